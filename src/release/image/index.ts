export { buildImage, type BuildInput, type ImageDeps, type ImageSource } from './build-image.js';
export { getImage, recordImage, type ImageRecordDeps } from './record-image.js';
export { dockerfileFor, writeContext } from './dockerfile.js';
