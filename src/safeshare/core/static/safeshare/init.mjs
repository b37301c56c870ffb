// Starts GOV.UK Frontend's components (character count, service navigation toggle,
// error summary focus). Pages work without it: every form posts and renders server-side.
import { initAll } from '../govuk/govuk-frontend.min.js';

initAll()
