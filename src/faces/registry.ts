// The faces this gateway serves.
import type { Face } from './face.js';
import { novapayFace } from './novapay/face.js';
import { numopayFace } from './numopay/face.js';
import { way2payFace } from './way2pay/face.js';

export const ALL_FACES: Face[] = [numopayFace, novapayFace, way2payFace];
