/* The rich reply editor: a small contenteditable box of our own (no CDN, no bundler) that replaces
   textarea[data-rich-editor] when scripts run. Toolbar buttons (labelled) and Ctrl+B, Ctrl+I, Ctrl+K format; Ctrl+Enter
   sends. The form sends the HTML in body_html (the server sanitises it with nh3) and its plain text in body.
   Images pasted or dropped into the box become files of the reply (composer.js lists them) named image-….ext and
   are shown inline: the HTML refers to them as cid:<file name>, which the server turns into the attachment's
   authorised URL (and the email channel into inline parts). The box takes over the textarea's id, so the "/"
   canned messages (replies.js), the predefined answers and the r shortcut find it as before. The internal note and
   forward boxes are rich too but carry no files: their textarea has data-no-images, and images pasted or dropped
   into them are refused. */
(function () {
  "use strict";
  var counter = 0;
  var SAFE_LINK = /^(https?:|mailto:|tel:)/i;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function textToHtml(text) {
    return text.split(/\n\s*\n/).filter(function (p) { return p.trim(); }).map(function (p) {
      return "<p>" + escapeHtml(p).replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function isEmpty(editor) {
    return !editor.textContent.trim() && !editor.querySelector("img");
  }

  function serialize(editor) {
    if (isEmpty(editor)) return "";
    var copy = editor.cloneNode(true);
    copy.querySelectorAll("img").forEach(function (img) {
      if (img.dataset.inlineFile) img.setAttribute("src", "cid:" + img.dataset.inlineFile);
      else if (/^(blob|data):/i.test(img.getAttribute("src") || "")) img.remove();
      img.removeAttribute("data-inline-file");
    });
    return copy.innerHTML;
  }

  function plainText(editor) {
    return editor.innerText.replace(/\u00a0/g, " ").replace(/\n{3,}/g, "\n\n").trim();
  }

  function closestIn(editor, selector) {
    var selection = getSelection();
    var node = selection.rangeCount ? selection.getRangeAt(0).commonAncestorContainer : null;
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var found = element && element.closest(selector);
    return found && editor.contains(found) ? found : null;
  }

  function unwrap(element) {
    var parent = element.parentNode;
    while (element.firstChild) parent.insertBefore(element.firstChild, element);
    parent.removeChild(element);
  }

  function insertNode(editor, node) {
    var selection = getSelection();
    var range;
    if (selection.rangeCount && editor.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      range = selection.getRangeAt(0);
      range.deleteContents();
    } else {
      range = document.createRange();
      range.selectNodeContents(editor);
      range.collapse(false);
    }
    range.insertNode(node);
    range.setStartAfter(node);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fileName(file) {
    var ext = (file.type.split("/")[1] || "png").replace(/[^a-z0-9]/gi, "").slice(0, 5) || "png";
    return "image-" + Date.now().toString(36) + "-" + (++counter) + "." + ext;
  }

  function insertImages(editor, files) {
    var named = files.map(function (file) { return new File([file], fileName(file), { type: file.type }); });
    if (window.HelplineComposer) window.HelplineComposer.addFiles(named);
    named.forEach(function (file) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = "";
      img.dataset.inlineFile = file.name;
      insertNode(editor, img);
    });
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function imagesOf(list) {
    return Array.from(list || []).filter(function (file) { return /^image\//.test(file.type); });
  }

  function run(editor, toolbar, command) {
    editor.focus();
    if (command === "link") {
      var existing = closestIn(editor, "a");
      var url = window.prompt(toolbar.dataset.linkPrompt || "URL", existing ? existing.getAttribute("href") : "https://");
      if (url === null) return;
      url = url.trim();
      if (!url) { if (existing) unwrap(existing); }
      else {
        if (!SAFE_LINK.test(url)) url = "https://" + url.replace(/^\/+/, "");
        if (getSelection().isCollapsed && !existing) document.execCommand("insertHTML", false, '<a href="' + escapeHtml(url) + '">' + escapeHtml(url) + "</a>");
        else if (existing) existing.setAttribute("href", url);
        else document.execCommand("createLink", false, url);
      }
    } else if (command === "quote") {
      document.execCommand("formatBlock", false, closestIn(editor, "blockquote") ? "p" : "blockquote");
    } else if (command === "code") {
      var code = closestIn(editor, "code");
      if (code) unwrap(code);
      else {
        var text = getSelection().toString();
        if (text) document.execCommand("insertHTML", false, "<code>" + escapeHtml(text) + "</code>");
      }
    } else {
      document.execCommand(command, false, null);
    }
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function enhance(textarea) {
    if (textarea._richEditor) return;
    var form = textarea.form;
    var toolbar = form.querySelector("[data-editor-toolbar]");
    var htmlField = form.querySelector("[data-editor-html]");
    if (!toolbar || !htmlField) return;
    var takesImages = !("noImages" in textarea.dataset);
    var editor = document.createElement("div");
    editor.className = "editor textarea prose";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-labelledby", textarea.id + "-label");
    editor.dataset.placeholder = textarea.placeholder;
    ["canned", "cannedLabel", "cannedEmpty", "submitOnCtrlEnter"].forEach(function (key) {
      if (key in textarea.dataset) editor.dataset[key] = textarea.dataset[key];
    });
    editor.innerHTML = htmlField.value || textToHtml(textarea.value); // the server sanitised body_html
    var hadFocus = document.activeElement === textarea; // a shortcut may have focused the box before we ran
    var id = textarea.id;
    textarea.id = id + "-source";
    editor.id = id;
    textarea.hidden = true;
    textarea.tabIndex = -1;
    textarea.removeAttribute("data-submit-on-ctrl-enter");
    textarea.removeAttribute("data-canned");
    textarea.insertAdjacentElement("afterend", editor);
    textarea._richEditor = editor;
    textarea.focus = function () { editor.focus(); }; // Alpine's $refs.reply.focus() and friends
    toolbar.hidden = false;
    if (hadFocus) editor.focus();

    function sync() {
      htmlField.value = serialize(editor);
      textarea.value = plainText(editor);
      editor.classList.toggle("editor--empty", isEmpty(editor));
    }
    // Other scripts read and set the box like a textarea: a whole new text (a predefined answer), or "" to clear.
    Object.defineProperty(editor, "value", {
      get: function () { return plainText(editor); },
      set: function (text) { editor.innerHTML = textToHtml(String(text || "")); sync(); },
    });

    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* older engines */ }
    sync();
    editor.addEventListener("input", sync);
    toolbar.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (button) run(editor, toolbar, button.dataset.command);
    });
    editor.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      var key = event.key.toLowerCase();
      var command = { b: "bold", i: "italic", k: "link" }[key];
      if (command && !event.shiftKey) { event.preventDefault(); run(editor, toolbar, command); }
      else if (key === "enter") { event.preventDefault(); sync(); form.requestSubmit(); }
    });
    editor.addEventListener("paste", function (event) {
      var images = imagesOf(event.clipboardData && event.clipboardData.files);
      if (!images.length) return; // text and formatting paste as the browser does; the server sanitises
      event.preventDefault();
      if (takesImages) insertImages(editor, images);
    });
    editor.addEventListener("drop", function (event) {
      var files = Array.from((event.dataTransfer && event.dataTransfer.files) || []);
      var images = imagesOf(files);
      if (!images.length) return; // other files: composer.js attaches them
      event.preventDefault();
      event.stopPropagation();
      if (!takesImages) return;
      var composer = editor.closest("#composer");
      if (composer) composer.classList.remove("composer--dragging");
      if (document.caretRangeFromPoint) {
        var range = document.caretRangeFromPoint(event.clientX, event.clientY);
        if (range && editor.contains(range.startContainer)) { getSelection().removeAllRanges(); getSelection().addRange(range); }
      }
      insertImages(editor, images);
      var others = files.filter(function (file) { return images.indexOf(file) === -1; });
      if (others.length && window.HelplineComposer) window.HelplineComposer.addFiles(others);
    });
    // Links in the box open nothing while editing.
    editor.addEventListener("click", function (event) { if (event.target.closest("a")) event.preventDefault(); });
  }

  function ready() { document.querySelectorAll("textarea[data-rich-editor]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.addEventListener("htmx:afterSettle", ready);
  // Before htmx reads the form: the hidden fields hold what is in the box now.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    var textarea = form && form.querySelector && form.querySelector("textarea[data-rich-editor]");
    if (!textarea || !textarea._richEditor) return;
    var editor = textarea._richEditor;
    event.detail.parameters.set("body", plainText(editor));
    event.detail.parameters.set("body_html", serialize(editor));
  });
})();
