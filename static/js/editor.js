// The forum's Markdown editor, enhanced. An ES module loaded by
// templates/forums/_editor.html with
//   <script type="module" src="{% static 'js/editor.js' %}"></script>
// (no inline scripts: the Content Security Policy is `script-src 'self'`).
//
// Everything here is an extra: without JavaScript the text box, the Preview
// button and the "Upload a picture" page do the same jobs. This file adds
//   - a formatting toolbar (bold, italic, link, quote, bulleted list) of real
//     buttons, with arrow-key movement between them (ARIA toolbar pattern);
//   - an @mention picker: typing @ and two or more letters asks the member
//     search (`data-mention-url`, `?q=`) and offers a listbox (ARIA combobox
//     pattern: aria-expanded, aria-activedescendant, up/down arrows, Enter to
//     insert, Escape to close);
//   - picture upload without leaving the page (`data-upload-url`, asking for
//     JSON), which inserts the Markdown line the server returns.
//
// User-supplied text (names, job titles, error messages) is only ever put in
// the page with textContent, never as HTML.

const MIN_QUERY_LETTERS = 2
const SEARCH_DELAY_MS = 150
// "@" at the start of a line or after a space or bracket, then at least two
// letters, then up to two more words (names have spaces), up to the caret.
const MENTION_TRIGGER =
  /(?:^|[\s(])@(\p{L}{2}[\p{L}\p{M}\p{N}'’.-]*(?: [\p{L}\p{M}\p{N}'’.-]*){0,2})$/u

let editorCount = 0

/**
 * Replace `start`–`end` of the text box with `text`, then select
 * `selectStart`–`selectEnd`. Uses the browser's editing command where it
 * exists, so that undo (Ctrl+Z) still works, and falls back to setRangeText.
 */
function replaceRange (textarea, start, end, text, selectStart, selectEnd) {
  textarea.focus()
  textarea.setSelectionRange(start, end)
  let inserted = false
  try {
    inserted = document.execCommand('insertText', false, text)
  } catch {
    inserted = false
  }
  if (!inserted || textarea.value.slice(start, start + text.length) !== text) {
    textarea.setRangeText(text, start, end, 'end')
    textarea.dispatchEvent(new Event('input', { bubbles: true }))
  }
  textarea.setSelectionRange(selectStart, selectEnd)
}

/** Put `marker` either side of the selection (or of a placeholder), or take it away. */
function toggleWrap (textarea, marker, placeholder) {
  const { value } = textarea
  let start = textarea.selectionStart
  let end = textarea.selectionEnd
  // Markdown emphasis cannot start or end with a space: keep spaces outside.
  while (start < end && /\s/.test(value[start])) start++
  while (end > start && /\s/.test(value[end - 1])) end--
  const selected = value.slice(start, end)
  const size = marker.length

  if (
    selected &&
    value.slice(start - size, start) === marker &&
    value.slice(end, end + size) === marker
  ) {
    replaceRange(textarea, start - size, end + size, selected, start - size, end - size)
    return
  }
  if (selected.length > 2 * size && selected.startsWith(marker) && selected.endsWith(marker)) {
    const inner = selected.slice(size, -size)
    replaceRange(textarea, start, end, inner, start, start + inner.length)
    return
  }
  const inner = selected || placeholder
  replaceRange(
    textarea,
    start,
    end,
    `${marker}${inner}${marker}`,
    start + size,
    start + size + inner.length
  )
}

/** A Markdown link round the selection, selecting the part still to type. */
function insertLink (textarea) {
  const { value, selectionStart: start, selectionEnd: end } = textarea
  const selected = value.slice(start, end).trim()
  if (/^https?:\/\/\S+$/i.test(selected)) {
    const placeholder = gettext('link text')
    const text = `[${placeholder}](${selected})`
    replaceRange(textarea, start, end, text, start + 1, start + 1 + placeholder.length)
    return
  }
  const label = selected || gettext('link text')
  const text = `[${label}](https://)`
  if (selected) {
    const urlStart = start + label.length + 3
    replaceRange(textarea, start, end, text, urlStart, urlStart + 'https://'.length)
  } else {
    replaceRange(textarea, start, end, text, start + 1, start + 1 + label.length)
  }
}

/** Start every selected line with `prefix` ("> " or "- "), or take it away. */
function toggleLinePrefix (textarea, prefix, { prefixBlankLines }) {
  const { value } = textarea
  const start = textarea.selectionStart
  let end = textarea.selectionEnd
  if (end > start && value[end - 1] === '\n') end--
  const lineStart = start === 0 ? 0 : value.lastIndexOf('\n', start - 1) + 1
  let lineEnd = value.indexOf('\n', end)
  if (lineEnd === -1) lineEnd = value.length

  const lines = value.slice(lineStart, lineEnd).split('\n')
  const written = lines.filter((line) => line.trim() !== '')
  const marker = prefix.trim()
  const removing =
    written.length > 0 && written.every((line) => line.startsWith(prefix) || line === marker)

  const changed = lines.map((line) => {
    if (removing) {
      if (line.startsWith(prefix)) return line.slice(prefix.length)
      return line === marker ? '' : line
    }
    if (line.trim() === '') return prefixBlankLines && lines.length > 1 ? marker : line
    return prefix + line
  })
  let text = changed.join('\n')
  // A new list or quote on an empty line: put the caret after the marker.
  if (!removing && lines.length === 1 && lines[0].trim() === '') text = prefix
  replaceRange(textarea, lineStart, lineEnd, text, lineStart + text.length, lineStart + text.length)
  if (lines.length > 1 || removing) {
    textarea.setSelectionRange(lineStart, lineStart + text.length)
  }
}

const TOOLS = [
  {
    name: 'bold',
    label: gettext('Bold'),
    shortcut: 'b',
    apply: (textarea) => toggleWrap(textarea, '**', 'bold text')
  },
  {
    name: 'italic',
    label: gettext('Italic'),
    shortcut: 'i',
    apply: (textarea) => toggleWrap(textarea, '*', 'italic text')
  },
  { name: 'link', label: gettext('Link'), apply: insertLink },
  {
    name: 'quote',
    label: gettext('Quote'),
    apply: (textarea) => toggleLinePrefix(textarea, '> ', { prefixBlankLines: true })
  },
  {
    name: 'list',
    label: gettext('Bulleted list'),
    apply: (textarea) => toggleLinePrefix(textarea, '- ', { prefixBlankLines: false })
  }
]

function addToolbar (textarea) {
  const toolbar = document.createElement('div')
  toolbar.className = 'copsite-editor__toolbar'
  toolbar.setAttribute('role', 'toolbar')
  toolbar.setAttribute('aria-label', gettext('Formatting'))
  toolbar.setAttribute('aria-controls', textarea.id)

  const buttons = TOOLS.map((tool, index) => {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = `copsite-editor__tool copsite-editor__tool--${tool.name}`
    button.textContent = tool.label
    button.tabIndex = index === 0 ? 0 : -1
    if (tool.shortcut) {
      const key = tool.shortcut.toUpperCase()
      button.setAttribute('aria-keyshortcuts', `Control+${key} Meta+${key}`)
    }
    button.addEventListener('click', () => tool.apply(textarea))
    toolbar.append(button)
    return button
  })

  // One tab stop for the whole toolbar; arrows, Home and End move within it.
  toolbar.addEventListener('keydown', (event) => {
    const current = buttons.indexOf(document.activeElement)
    if (current === -1) return
    const moves = {
      ArrowRight: (current + 1) % buttons.length,
      ArrowLeft: (current - 1 + buttons.length) % buttons.length,
      Home: 0,
      End: buttons.length - 1
    }
    if (!(event.key in moves)) return
    event.preventDefault()
    buttons[current].tabIndex = -1
    const next = buttons[moves[event.key]]
    next.tabIndex = 0
    next.focus()
  })

  textarea.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return
    const tool = TOOLS.find((t) => t.shortcut && t.shortcut === event.key.toLowerCase())
    if (!tool) return
    event.preventDefault()
    tool.apply(textarea)
  })

  textarea.before(toolbar)
}

/** The @mention being typed just before the caret, or null. */
function mentionBeforeCaret (textarea) {
  const caret = textarea.selectionEnd
  if (caret !== textarea.selectionStart) return null
  const lineStart = caret === 0 ? 0 : textarea.value.lastIndexOf('\n', caret - 1) + 1
  const before = textarea.value.slice(lineStart, caret)
  const match = MENTION_TRIGGER.exec(before)
  if (!match) return null
  const query = match[1].trim()
  if (query.length < MIN_QUERY_LETTERS) return null
  return { query, start: caret - match[1].length - 1, end: caret }
}

function addMentionPicker (textarea, mentionUrl, id) {
  const listbox = document.createElement('ul')
  listbox.id = `${id}-mentions`
  listbox.className = 'copsite-mention'
  listbox.setAttribute('role', 'listbox')
  listbox.setAttribute('aria-label', gettext('People to mention'))
  listbox.hidden = true

  const status = document.createElement('div')
  status.className = 'govuk-visually-hidden'
  status.setAttribute('role', 'status')

  textarea.setAttribute('role', 'combobox')
  textarea.setAttribute('aria-autocomplete', 'list')
  textarea.setAttribute('aria-expanded', 'false')
  textarea.setAttribute('aria-controls', listbox.id)
  textarea.after(listbox, status)

  let results = []
  let active = -1
  let timer = null
  let controller = null
  let shownQuery = null

  function options () {
    return Array.from(listbox.children)
  }

  function announce (message) {
    status.textContent = message
  }

  function close () {
    window.clearTimeout(timer)
    controller?.abort()
    controller = null
    results = []
    active = -1
    shownQuery = null
    listbox.hidden = true
    listbox.replaceChildren()
    textarea.setAttribute('aria-expanded', 'false')
    textarea.removeAttribute('aria-activedescendant')
  }

  function setActive (index) {
    active = index
    options().forEach((option, n) => {
      option.setAttribute('aria-selected', n === index ? 'true' : 'false')
    })
    const option = options()[index]
    if (option) {
      textarea.setAttribute('aria-activedescendant', option.id)
      option.scrollIntoView({ block: 'nearest' })
    } else {
      textarea.removeAttribute('aria-activedescendant')
    }
  }

  function show (people, query) {
    const wasOpen = !listbox.hidden
    listbox.replaceChildren()
    results = people
    active = -1
    textarea.removeAttribute('aria-activedescendant')
    if (!people.length) {
      close()
      // Said once when a list goes away, not on every letter typed after it.
      if (wasOpen) announce(interpolate(gettext('No members found for “%(query)s”.'), { query }, true))
      return
    }
    people.forEach((person, index) => {
      const option = document.createElement('li')
      option.id = `${listbox.id}-${index}`
      option.className = 'copsite-mention__option'
      option.setAttribute('role', 'option')
      option.setAttribute('aria-selected', 'false')
      option.dataset.index = String(index)
      const name = document.createElement('span')
      name.className = 'copsite-mention__name'
      name.textContent = person.name
      option.append(name)
      if (person.detail) {
        const detail = document.createElement('span')
        detail.className = 'copsite-mention__detail'
        detail.textContent = person.detail
        option.append(detail)
      }
      listbox.append(option)
    })
    shownQuery = query
    listbox.hidden = false
    textarea.setAttribute('aria-expanded', 'true')
    announce(
      interpolate(
        ngettext(
          '%(count)s member found. Use the up and down arrow keys to choose, then Enter to mention.',
          '%(count)s members found. Use the up and down arrow keys to choose, then Enter to mention.',
          people.length
        ),
        { count: people.length },
        true
      )
    )
  }

  async function search (query) {
    controller?.abort()
    controller = new AbortController()
    const url = new URL(mentionUrl, window.location.href)
    url.searchParams.set('q', query)
    try {
      const response = await fetch(url, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        signal: controller.signal
      })
      if (!response.ok) throw new Error(`Mention search answered ${response.status}`)
      const data = await response.json()
      const people = Array.isArray(data.results)
        ? data.results.filter((p) => p && typeof p.markdown === 'string' && p.name)
        : []
      // Only show answers for what is typed now.
      const current = mentionBeforeCaret(textarea)
      if (current && current.query === query && document.activeElement === textarea) {
        show(people, query)
      }
    } catch (error) {
      if (error.name !== 'AbortError') close()
    }
  }

  function choose (index) {
    const person = results[index]
    const mention = mentionBeforeCaret(textarea)
    if (!person || !mention) {
      close()
      return
    }
    const text = `${person.markdown} `
    close()
    const caret = mention.start + text.length
    replaceRange(textarea, mention.start, mention.end, text, caret, caret)
    close() // replaceRange's input event must not reopen the list
    announce(interpolate(gettext('Mentioned %(name)s.'), { name: person.name }, true))
  }

  textarea.addEventListener('input', () => {
    const mention = mentionBeforeCaret(textarea)
    if (!mention) {
      if (!listbox.hidden || controller) close()
      return
    }
    if (mention.query === shownQuery) return
    window.clearTimeout(timer)
    timer = window.setTimeout(() => search(mention.query), SEARCH_DELAY_MS)
  })

  textarea.addEventListener('keydown', (event) => {
    if (listbox.hidden || event.altKey || event.ctrlKey || event.metaKey) return
    const count = results.length
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      setActive((active + 1) % count)
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      setActive(active <= 0 ? count - 1 : active - 1)
    } else if (event.key === 'Enter' && !event.shiftKey) {
      if (active >= 0) {
        event.preventDefault()
        choose(active)
      } else {
        close()
      }
    } else if (event.key === 'Escape') {
      event.preventDefault()
      close()
      announce(gettext('Mention list closed.'))
    }
  })

  textarea.addEventListener('blur', () => close())
  // Keep the focus in the text box when an option is clicked.
  listbox.addEventListener('mousedown', (event) => event.preventDefault())
  listbox.addEventListener('click', (event) => {
    const option = event.target.closest('[role="option"]')
    if (option) choose(Number(option.dataset.index))
  })
}

/** Error messages from the upload page's HTML, read as text only. */
function errorsFromPage (html) {
  const page = new DOMParser().parseFromString(html, 'text/html')
  const items = page.querySelectorAll('.govuk-error-summary__list li, .govuk-error-message')
  const messages = Array.from(items, (item) =>
    item.textContent.trim().replace(gettext('Error:'), '').trim()
  ).filter(Boolean)
  return Array.from(new Set(messages))
}

function addPictureUpload (textarea, uploadUrl, id) {
  const form = textarea.form
  const token = form?.querySelector('input[name="csrfmiddlewaretoken"]')?.value
  const group = textarea.closest('.govuk-form-group')
  if (!form || !token || !group) return

  const details = document.createElement('details')
  details.className = 'govuk-details copsite-editor__upload'
  const summary = document.createElement('summary')
  summary.className = 'govuk-details__summary'
  const summaryText = document.createElement('span')
  summaryText.className = 'govuk-details__summary-text'
  summaryText.textContent = gettext('Add a picture to your message')
  summary.append(summaryText)

  const body = document.createElement('div')
  body.className = 'govuk-details__text'

  function field (label, input, hintText) {
    const wrapper = document.createElement('div')
    wrapper.className = 'govuk-form-group'
    const labelElement = document.createElement('label')
    labelElement.className = 'govuk-label'
    labelElement.htmlFor = input.id
    labelElement.textContent = label
    wrapper.append(labelElement)
    if (hintText) {
      const hint = document.createElement('div')
      hint.className = 'govuk-hint'
      hint.id = `${input.id}-hint`
      hint.textContent = hintText
      input.setAttribute('aria-describedby', hint.id)
      wrapper.append(hint)
    }
    wrapper.append(input)
    return wrapper
  }

  const fileInput = document.createElement('input')
  fileInput.type = 'file'
  fileInput.id = `${id}-picture`
  fileInput.className = 'govuk-file-upload'
  fileInput.accept = 'image/jpeg,image/png,image/gif,image/webp'

  const altInput = document.createElement('input')
  altInput.type = 'text'
  altInput.id = `${id}-picture-alt`
  altInput.className = 'govuk-input'
  altInput.maxLength = 250
  altInput.autocomplete = 'off'

  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button govuk-button--secondary'
  button.textContent = gettext('Upload and add the picture')

  const message = document.createElement('p')
  message.className = 'govuk-body'
  message.setAttribute('role', 'status')

  const errorBox = document.createElement('div')
  errorBox.className = 'govuk-error-message'
  errorBox.id = `${id}-picture-error`
  errorBox.setAttribute('role', 'alert')
  errorBox.hidden = true

  body.append(
    errorBox,
    field(gettext('Picture'), fileInput, gettext('A JPEG, PNG, GIF or WebP image under 5 MB.')),
    field(
      gettext('Describe the picture for people who cannot see it'),
      altInput,
      gettext('For example: Bar chart of rent arrears falling from 12% to 7% over 2025.')
    ),
    button,
    message
  )
  details.append(summary, body)
  group.after(details)

  // Errors show at the top of the panel and are tied to the field they are about.
  function showErrors (errors, input = null) {
    errorBox.replaceChildren()
    errorBox.hidden = !errors.length
    for (const field of [fileInput, altInput]) {
      const hint = `${field.id}-hint`
      field.setAttribute('aria-describedby', field === input ? `${hint} ${errorBox.id}` : hint)
      if (field === input) {
        field.setAttribute('aria-invalid', 'true')
      } else {
        field.removeAttribute('aria-invalid')
      }
      field.classList.toggle(
        field.type === 'file' ? 'govuk-file-upload--error' : 'govuk-input--error',
        field === input
      )
    }
    errors.forEach((text) => {
      const line = document.createElement('span')
      line.className = 'copsite-editor__error-line'
      const prefix = document.createElement('span')
      prefix.className = 'govuk-visually-hidden'
      prefix.textContent = gettext('Error:') + ' '
      line.append(prefix, text)
      errorBox.append(line)
    })
    input?.focus()
  }

  async function upload () {
    showErrors([])
    message.textContent = ''
    if (!fileInput.files.length) {
      showErrors([gettext('Choose a picture to upload.')], fileInput)
      return
    }
    if (!altInput.value.trim()) {
      showErrors([gettext('Describe the picture: alt text is required.')], altInput)
      return
    }
    const data = new FormData()
    data.append('csrfmiddlewaretoken', token)
    data.append('image', fileInput.files[0])
    data.append('alt_text', altInput.value.trim())
    button.disabled = true
    message.textContent = gettext('Uploading the picture…')
    try {
      const response = await fetch(uploadUrl, {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'X-CSRFToken': token }
      })
      const type = response.headers.get('Content-Type') || ''
      if (response.ok && type.includes('application/json')) {
        const { markdown } = await response.json()
        if (typeof markdown !== 'string') throw new Error('No Markdown in the answer')
        const caret = textarea.selectionEnd
        const before = textarea.value.slice(0, caret)
        const lead = before === '' || before.endsWith('\n') ? '' : '\n'
        const text = `${lead}${markdown}\n`
        replaceRange(textarea, caret, caret, text, caret + text.length, caret + text.length)
        fileInput.value = ''
        altInput.value = ''
        message.textContent = gettext('The picture has been added to your message.')
        return
      }
      const errors = type.includes('text/html') ? errorsFromPage(await response.text()) : []
      message.textContent = ''
      showErrors(errors.length ? errors : [gettext('The picture could not be uploaded. Try again.')])
    } catch {
      message.textContent = ''
      showErrors([gettext('The picture could not be uploaded. Check your connection and try again.')])
    } finally {
      button.disabled = false
    }
  }

  button.addEventListener('click', upload)
  // Enter in these fields would send the message form: upload instead.
  for (const input of [fileInput, altInput]) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault()
        upload()
      }
    })
  }
}

function enhance (container) {
  const textarea = container.querySelector('textarea[data-markdown-editor]')
  if (!textarea || textarea.dataset.enhanced) return
  textarea.dataset.enhanced = 'true'
  editorCount += 1
  const id = textarea.id || `copsite-editor-${editorCount}`
  textarea.id = id

  addToolbar(textarea)
  if (container.dataset.mentionUrl) {
    addMentionPicker(textarea, container.dataset.mentionUrl, id)
  }
  if (container.dataset.uploadUrl) {
    addPictureUpload(textarea, container.dataset.uploadUrl, id)
  }
}

document.querySelectorAll('.copsite-editor').forEach(enhance)
