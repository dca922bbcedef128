// The faces this gateway serves.
import type { Face } from './face.js';
import { cloudpaymentsFace } from './cloudpayments/face.js';
import { mbillFace } from './mbill/face.js';
import { novapayFace } from './novapay/face.js';
import { numopayFace } from './numopay/face.js';
import { way2payFace } from './way2pay/face.js';

export const ALL_FACES: Face[] = [numopayFace, cloudpaymentsFace, novapayFace, mbillFace, way2payFace];
