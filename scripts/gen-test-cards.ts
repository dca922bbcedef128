// Writes docs/test-cards.md from the test-card catalogue (npm run docs:cards). A test keeps them equal.
import { writeFileSync } from 'node:fs';
import { renderTestCardsDoc } from '../src/core/network/test-cards-doc.js';

writeFileSync(new URL('../docs/test-cards.md', import.meta.url), renderTestCardsDoc());
