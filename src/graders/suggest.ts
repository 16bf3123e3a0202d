export { closestMatch as closest, didYouMean, editDistance } from "../core/index.js";
