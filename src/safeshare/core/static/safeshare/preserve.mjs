// Keeps what a practitioner types into a decision page until the server has saved it, so
// that a session that times out mid-page loses nothing: after signing in again they come
// back to the same page and their typing is put back.
//
// Stored in this tab's sessionStorage only (gone when the tab closes, cleared on sign out),
// keyed by the page and by the draft's revision: once the server saves the page the
// revision changes and the stored copy is ignored and removed, so it can never overwrite
// newer saved work.
const PREFIX = 'safeshare:preserve:'

function key (form) {
  return PREFIX + window.location.pathname
}

function fields (form) {
  return Array.from(form.elements).filter((el) =>
    el.name && el.name !== 'csrfmiddlewaretoken' && el.type !== 'hidden' && el.type !== 'submit'
  )
}

function snapshot (form) {
  const values = {}
  for (const el of fields(form)) {
    if (el.type === 'radio' || el.type === 'checkbox') {
      values[el.name] = values[el.name] || []
      if (el.checked) values[el.name].push(el.value)
    } else {
      values[el.name] = el.value
    }
  }
  return values
}

function restore (form, values) {
  for (const el of fields(form)) {
    if (!(el.name in values)) continue
    const value = values[el.name]
    if (el.type === 'radio' || el.type === 'checkbox') {
      el.checked = Array.isArray(value) && value.includes(el.value)
    } else if (typeof value === 'string') {
      el.value = value
    }
  }
}

for (const form of document.querySelectorAll('form[data-preserve]')) {
  const revision = form.dataset.revision || ''
  const stored = window.sessionStorage.getItem(key(form))
  if (stored) {
    try {
      const saved = JSON.parse(stored)
      if (saved.revision === revision && !form.querySelector('.govuk-form-group--error')) {
        restore(form, saved.values)
        const note = document.getElementById('preserve-note')
        if (note) note.hidden = false
      } else if (saved.revision !== revision) {
        window.sessionStorage.removeItem(key(form))
      }
    } catch (error) {
      window.sessionStorage.removeItem(key(form))
    }
  }
  const save = () => window.sessionStorage.setItem(key(form), JSON.stringify({ revision, values: snapshot(form) }))
  form.addEventListener('input', save)
  form.addEventListener('change', save)
}

for (const signOut of document.querySelectorAll('form.app-sign-out')) {
  signOut.addEventListener('submit', () => {
    for (const name of Object.keys(window.sessionStorage)) {
      if (name.startsWith(PREFIX)) window.sessionStorage.removeItem(name)
    }
  })
}
