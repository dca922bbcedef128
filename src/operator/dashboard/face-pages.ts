// The faces' own dashboard pages (Face.dashboard): the DashboardPages a face registers them with, and the
// DashboardUi it draws them with (src/faces/kit/dashboard.ts), implemented over the dashboard's router and
// rendering helpers, under the same session, CSRF and flash rules as the built-in pages.
import type { DashboardPages, DashboardUi } from '../../faces/kit/dashboard.js';
import type { Router } from './router.js';
import { badge, money, options, page, postForm, queryOf, table, time, type Section, type View } from './ui.js';

const DASHBOARD = '/dashboard';

function uiKit(v: View, section: Section): DashboardUi {
  return {
    page: (o) => page(v, { ...o, section }),
    href: (path) => DASHBOARD + path,
    postForm: (path, inner, attrs) => postForm(v, DASHBOARD + path, inner, attrs),
    table: (head, rows, opts) => table(head, rows, opts),
    badge,
    money: (minor, currency) => money(minor, currency),
    time: (ms) => time(v, ms),
    options,
  };
}

/** The pages and actions of one face, registered on the dashboard's router. */
export function facePages(r: Router): DashboardPages {
  return {
    page(path, nav, render) {
      if (nav) r.addNav({ section: path, label: nav, href: DASHBOARD + path });
      r.get(path, async ({ req, v, params }) => render({ ui: uiKit(v, path), query: queryOf(req), params }));
    },
    action(path, back, run) {
      r.post(
        path,
        () => DASHBOARD + back,
        async ({ params }, form) => {
          const out = await run({ params, form });
          if (!out || typeof out === 'string') return out;
          return { to: DASHBOARD + out.to, ...(out.flash ? { flash: out.flash } : {}) };
        },
      );
    },
  };
}
