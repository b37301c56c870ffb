// Warns before the idle timeout ends the session, and offers to keep it.
// The server is the authority (SESSION_COOKIE_AGE, renewed on every request); this only
// counts from the last request this page made. Without JavaScript the session still
// ends after the same idle time and the next page asks the user to sign in again.
const settings = document.getElementById('app-session-timeout')

function csrfToken () {
  const input = document.querySelector('input[name="csrfmiddlewaretoken"]')
  return input ? input.value : ''
}

function buildDialog (minutes) {
  const dialog = document.createElement('dialog')
  dialog.className = 'app-timeout-dialog'
  dialog.setAttribute('aria-labelledby', 'app-timeout-title')
  dialog.setAttribute('aria-describedby', 'app-timeout-text')
  const heading = document.createElement('h2')
  heading.className = 'govuk-heading-m'
  heading.id = 'app-timeout-title'
  heading.textContent = 'You will be signed out soon'
  const text = document.createElement('p')
  text.className = 'govuk-body'
  text.id = 'app-timeout-text'
  text.textContent = `To protect people's information, we will sign you out in ${minutes} minutes if you do nothing. Anything you have not saved will be lost.`
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button'
  button.textContent = 'Stay signed in'
  dialog.append(heading, text, button)
  document.body.append(dialog)
  return { dialog, button }
}

if (settings && typeof HTMLDialogElement === 'function') {
  const warnAfter = Number(settings.dataset.warnAfter) * 1000
  const idleTimeout = Number(settings.dataset.idleTimeout) * 1000
  const signInUrl = settings.dataset.signInUrl
  const minutes = Math.max(1, Math.round((idleTimeout - warnAfter) / 60000))
  const { dialog, button } = buildDialog(minutes)
  let warnTimer
  let endTimer

  const signedOut = () => {
    const next = encodeURIComponent(window.location.pathname)
    window.location.assign(`${signInUrl}?next=${next}`)
  }
  const start = () => {
    window.clearTimeout(warnTimer)
    window.clearTimeout(endTimer)
    warnTimer = window.setTimeout(() => { if (!dialog.open) dialog.showModal() }, warnAfter)
    endTimer = window.setTimeout(signedOut, idleTimeout)
  }

  button.addEventListener('click', async () => {
    try {
      const response = await fetch(settings.dataset.keepAliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        redirect: 'manual',
        headers: { 'X-CSRFToken': csrfToken() }
      })
      if (response.status !== 204) {
        signedOut()
        return
      }
    } catch (error) {
      signedOut()
      return
    }
    dialog.close()
    start()
  })
  // Escape closes a modal dialog without renewing the session: treat it as "stay".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    button.click()
  })
  start()
}
