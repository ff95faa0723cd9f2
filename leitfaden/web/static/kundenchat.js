/* Web chat of the customers (/chat): starts the Rasa socket.io widget (rasa-webchat, served
   from /static/vendor/) and makes it usable with the keyboard and screen readers.
   No inline script: the page's Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";

  var bereich = document.getElementById("chat");
  var statusZeile = document.getElementById("chat-status");

  function melden(text) {
    statusZeile.textContent = text;
    statusZeile.hidden = false;
  }

  /* socket.io address: the Rasa server's origin; a path of the public URL (reverse proxy,
     e.g. https://example.de/rasa) goes before socket.io's own path. */
  function socketZiel(adresse) {
    var url = new URL(adresse, window.location.href);
    return { url: url.origin, pfad: url.pathname.replace(/\/+$/, "") + "/socket.io/" };
  }

  /* Short pause before a bot message is shown (the widget's default is up to 3 s). */
  function verzoegerung(nachricht) {
    return Math.min(1000, Math.max(300, (nachricht || "").length * 10));
  }

  /* The widget renders the bot's messages as Markdown (react-markdown; raw HTML is escaped,
     but Markdown still makes links and images, and the bot repeats some of the user's input,
     e.g. an unknown place). Every character that Markdown could read as markup is turned into
     a character reference, which Markdown shows as that very character: the message appears
     exactly as sent, as text. The guides use no Markdown. */
  var MARKUP = /[\\`*_{}\[\]()#+\-.!|~<>&:"'=]/g;

  function alsText(text) {
    return String(text).replace(MARKUP, function (zeichen) {
      return "&#" + zeichen.charCodeAt(0) + ";";
    });
  }

  function botNachricht(nachricht) {
    // runs before the widget's own handler of the event (it is registered first)
    if (nachricht && typeof nachricht.text === "string") {
      nachricht.text = alsText(nachricht.text);
    }
  }

  /* --- accessibility of the widget's markup (set after each render) --------------------- */

  function setzen(element, name, wert) {
    if (element && element.getAttribute(name) !== wert) {
      element.setAttribute(name, wert);
    }
  }

  function barrierefrei(wurzel) {
    var eingabe = wurzel.querySelector(".rw-new-message");
    setzen(eingabe, "aria-label", "Ihre Nachricht");
    var senden = wurzel.querySelector(".rw-send");
    setzen(senden, "aria-label", "Nachricht senden");
    setzen(senden, "title", "Nachricht senden");
    Array.prototype.forEach.call(wurzel.querySelectorAll(".rw-send svg"), function (svg) {
      setzen(svg, "aria-hidden", "true");
      setzen(svg, "focusable", "false");
    });
    var verlauf = wurzel.querySelector(".rw-messages-container");
    setzen(verlauf, "role", "log");
    setzen(verlauf, "aria-live", "polite");
    setzen(verlauf, "aria-label", "Gesprächsverlauf");
    setzen(verlauf, "tabindex", "0"); // scrollable: reachable by keyboard
    setzen(wurzel.querySelector(".rw-title"), "role", "heading");
    setzen(wurzel.querySelector(".rw-title"), "aria-level", "2");
    setzen(wurzel.querySelector(".rw-loading"), "role", "status");
    // quick replies are <div>s with a click handler: make them buttons for the keyboard
    Array.prototype.forEach.call(wurzel.querySelectorAll("div.rw-reply"), function (knopf) {
      setzen(knopf, "role", "button");
      setzen(knopf, "tabindex", "0");
    });
    var gruppe = wurzel.querySelector(".rw-replies");
    setzen(gruppe, "role", "group");
    setzen(gruppe, "aria-label", "Antwortvorschläge");
  }

  function beobachten(wurzel) {
    var geplant = false;
    new MutationObserver(function () {
      if (!geplant) {
        geplant = true;
        window.requestAnimationFrame(function () {
          geplant = false;
          barrierefrei(wurzel);
        });
      }
    }).observe(wurzel, { childList: true, subtree: true });

    // Enter and Space on a quick reply act like a click; the replies disappear then, so the
    // focus goes on to the input (keyboard only: on a phone a tap should not open the keyboard)
    wurzel.addEventListener("keydown", function (ereignis) {
      var knopf = ereignis.target;
      if (!(knopf instanceof Element) || !knopf.matches("div.rw-reply[role=button]")) {
        return;
      }
      if (ereignis.key === "Enter" || ereignis.key === " " || ereignis.key === "Spacebar") {
        ereignis.preventDefault();
        knopf.click();
        window.setTimeout(function () {
          var eingabe = wurzel.querySelector(".rw-new-message");
          if (eingabe && !wurzel.contains(document.activeElement)) {
            eingabe.focus();
          }
        }, 0);
      }
    });
  }

  function starten() {
    if (!window.WebChat || typeof window.WebChat.default !== "function") {
      melden("Der Chat kann gerade nicht geladen werden. Bitte versuchen Sie es später erneut.");
      return;
    }
    var ziel;
    try {
      ziel = socketZiel(bereich.getAttribute("data-rasa-url"));
    } catch (fehler) {
      melden("Der Chat ist nicht richtig eingerichtet. Bitte versuchen Sie es später erneut.");
      return;
    }
    var wurzel = document.createElement("div");
    wurzel.className = "chat-widget";
    bereich.appendChild(wurzel);
    beobachten(wurzel);
    statusZeile.hidden = true;
    window.WebChat.default({
      socketUrl: ziel.url,
      socketPath: ziel.pfad,
      initPayload: "/greet",
      customData: { language: "de" },
      title: "Digitaler Assistent",
      subtitle: "Agentur für Arbeit – Service Center",
      inputTextFieldHint: "Ihre Nachricht …",
      connectingText: "Verbindung zum Assistenten wird hergestellt …",
      embedded: true,
      showCloseButton: false,
      showFullScreenButton: false,
      hideWhenNotConnected: false,
      displayUnreadCount: false,
      showMessageDate: false,
      docViewer: false, // would open links via docs.google.com
      withRules: false, // no page-visit rules (they poll the URL and wait for server props)
      disableTooltips: true,
      customMessageDelay: verzoegerung,
      onSocketEvent: { bot_uttered: botNachricht },
      params: { storage: "session" } // the conversation ends with the browser tab
    }, wurzel);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", starten);
  } else {
    starten();
  }
}());
