// Copsite's only script: an ES module loaded with
//   <script type="module" src="{% static 'js/app.js' %}"></script>
// The Content Security Policy forbids inline scripts, so the class that
// GOV.UK's page template normally adds with an inline script is added here.
//
// Every page works without this file: it only enhances GOV.UK Frontend
// components (menu toggle, error summary focus, password reveal, and so on).
//
// The import is relative to this file, so it resolves to
// /static/govuk/govuk-frontend.min.js (node_modules/govuk-frontend/dist/govuk,
// served by staticfiles under the "govuk/" prefix) wherever STATIC_URL points.
import { initAll } from '../govuk/govuk-frontend.min.js'

const body = document.body

// Browsers that run ES modules are the ones GOV.UK Frontend supports: mark
// the body so that its components (and its CSS) switch on their enhancements.
body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
