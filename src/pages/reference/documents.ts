// The OpenAPI document of a face as this gateway serves it (Face.openapi): what /docs lists and
// /docs/<face>/openapi.json serves.
import type { Face } from '../../faces/face.js';
import type { OpenApiDocument } from '../../faces/kit/openapi.js';

/** The face's document under `baseUrl`, with the face's own port as a second server when it has one. */
export function documentFor(face: Face, baseUrl: string, ownPortUrl: string | undefined): OpenApiDocument {
  const doc = face.openapi(baseUrl, face.prefix);
  if (ownPortUrl) doc.servers.push({ url: ownPortUrl, description: "This gateway, the face's own port" });
  return doc;
}
