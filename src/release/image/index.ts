export { buildImage, type BuildInput, type ImageDeps } from './build-image.js';
export { recordImage } from './record-image.js';
export { dockerfileFor, writeContext } from './dockerfile.js';
