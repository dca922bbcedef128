// The faces this gateway serves.
import type { Face } from './face.js';
import { numopayFace } from './numopay/face.js';

export const ALL_FACES: Face[] = [numopayFace];
