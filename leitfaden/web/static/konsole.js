// Chat pane of the Leitfaden console. Every text from the server or the user is set with
// textContent (never innerHTML), so no message can inject HTML.
"use strict";

(function () {
  const wurzel = document.getElementById("konsole");
  if (!wurzel) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const darfUeberweisen = wurzel.dataset.darfUeberweisen === "ja";
  const $ = (id) => document.getElementById(id);
  const verlauf = $("verlauf");
  const eingabe = $("eingabe");
  const feld = $("nachricht");
  const senden = $("senden");
  const status = $("status");
  const schnell = $("schnellantworten");
  const dialog = $("ueberweisung-dialog");
  let gespraech = null;
  let panel = null;
  let beschaeftigt = false;
  let wartendeZustimmung = null;

  function el(tag, text, klasse) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (klasse) e.className = klasse;
    return e;
  }

  function leeren(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  }

  function meldung(text, fehler) {
    status.textContent = text || "";
    status.classList.toggle("fehler", Boolean(fehler));
  }

  async function api(pfad, daten, methode) {
    const lesen = methode === "GET";
    const antwort = await fetch(pfad, lesen
      ? { method: "GET", credentials: "same-origin" }
      : {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(daten || {}),
      });
    let inhalt = {};
    try {
      inhalt = await antwort.json();
    } catch (e) {
      inhalt = {};
    }
    if (antwort.status === 401) {
      window.location.assign("/anmelden?weiter=/konsole");
      throw new Error("Bitte melden Sie sich erneut an.");
    }
    if (!antwort.ok) {
      if (inhalt.panel) zeigePanel(inhalt.panel);
      throw new Error(inhalt.fehler || "Die Anfrage ist fehlgeschlagen.");
    }
    return inhalt;
  }

  function blase(wer, text) {
    const li = el("li", null, "nachricht " + wer);
    li.appendChild(el("span", wer === "nutzer" ? "Anrufende Person (Ihre Eingabe)" : "Assistent", "wer"));
    li.appendChild(el("p", text, "text"));
    verlauf.appendChild(li);
    const rahmen = verlauf.parentElement;
    rahmen.scrollTop = rahmen.scrollHeight;  // scroll the log, not the page
  }

  function zeigeSchnellantworten(knoepfe) {
    leeren(schnell);
    knoepfe.forEach((k) => {
      const b = el("button", k.titel, "schnellantwort");
      b.type = "button";
      b.addEventListener("click", () => sende(k.payload, k.titel));
      schnell.appendChild(b);
    });
  }

  function zeigeNachrichten(nachrichten) {
    let knoepfe = [];
    nachrichten.forEach((n) => {
      if (n.text) blase("assistent", n.text);
      if (n.knoepfe && n.knoepfe.length) knoepfe = n.knoepfe;
    });
    zeigeSchnellantworten(knoepfe);
  }

  function liste(ziel, eintraege, bauen) {
    leeren(ziel);
    eintraege.forEach((e) => ziel.appendChild(bauen(e)));
  }

  function definition(dl, begriff, wert) {
    if (wert === undefined || wert === null || wert === "") return;
    dl.appendChild(el("dt", begriff));
    dl.appendChild(el("dd", wert));
  }

  function zeigeAbschlag(a) {
    const block = $("abschlag-block");
    const knopf = $("ueberweisen");
    block.hidden = !a;
    knopf.hidden = true;
    if (!a) return;
    const dl = $("abschlag-daten");
    leeren(dl);
    definition(dl, "Berechnung", a.berechnung);
    definition(dl, "Zeitraum", a.zeitraum);
    definition(dl, "Möglicher Betrag", a.moeglich ? a.betrag : "kein Abschlag möglich");
    definition(dl, "Konto", a.iban_maskiert);
    definition(dl, "Nächster Zahltag", a.naechster_zahltag);
    definition(dl, "Stand", a.status_text);
    liste($("abschlag-gruende"), a.gruende || [], (g) => el("li", g));
    knopf.hidden = !(darfUeberweisen && a.kann_ueberweisen);
    knopf.textContent = "Abschlag überweisen (" + a.betrag + ") …";
  }

  function angebotsKarte(a) {
    const li = el("li", null, "karte angebot");
    li.appendChild(el("h4", a.titel));
    const dl = document.createElement("dl");
    definition(dl, "Art", a.art);
    definition(dl, "Dienststelle", a.dienststelle);
    definition(dl, "Ort", a.adresse);
    definition(dl, "Zeiten", a.zeiten);
    definition(dl, "Termin", a.termin);
    definition(dl, "Barrierefreiheit", a.barrierefreiheit);
    definition(dl, "Sprachen", a.sprachen);
    definition(dl, "Kontakt", a.kontakt);
    li.appendChild(dl);
    return li;
  }

  function hinweisEintrag(h) {
    const li = el("li", null, "pflichthinweis");
    const id = "hinweis-" + h.schritt.replace(/\W/g, "-") + "-" + h.hinweis;
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = Boolean(h.bestaetigt);
    box.disabled = Boolean(h.bestaetigt);
    box.addEventListener("change", async () => {
      if (!box.checked) return;
      box.disabled = true;
      try {
        const r = await api("/konsole/api/gespraeche/" + gespraech + "/hinweise",
          { schritt: h.schritt, hinweis: h.hinweis });
        zeigePanel(r.panel);
        meldung("Hinweis in Schritt " + h.schritt + " als gegeben vermerkt.");
      } catch (e) {
        box.checked = false;
        box.disabled = false;
        meldung(e.message, true);
      }
    });
    const label = el("label", null);
    label.htmlFor = id;
    label.appendChild(el("span", "Schritt " + h.schritt + ": ", "schritt-id"));
    label.appendChild(document.createTextNode(h.text));
    li.appendChild(box);
    li.appendChild(label);
    return li;
  }

  function zeigePanel(p) {
    panel = p;
    const lf = p.leitfaden || {};
    $("leitfaden-name").textContent = lf.nummer
      ? "GLF " + lf.nummer + " – " + lf.titel + " (Version " + lf.version + ", gültig ab " + lf.gueltig_ab + ")"
      : "";
    $("schutzkennzeichen").hidden = !p.schutzkennzeichen_m;
    const kunde = $("kunde");
    kunde.hidden = !p.kunde;
    kunde.textContent = p.kunde ? "Legitimiert: " + p.kunde.name + " (" + p.kunde.kundennummer_maskiert + ")" : "";
    const akt = p.aktuell || {};
    $("schritt-name").textContent = akt.id ? akt.id + " " + akt.name : "Noch nicht begonnen";
    $("schritt-zweck").textContent = akt.zweck || "";
    liste($("wortlaut"), akt.wortlaut || [], (t) => el("blockquote", t));
    $("pruefungen-block").hidden = !(akt.pruefungen && akt.pruefungen.length);
    liste($("pruefungen"), akt.pruefungen || [], (t) => el("li", t));
    const hinweise = [];
    const gesehen = new Set();
    (akt.pflichthinweise || []).concat(p.offene_hinweise || []).forEach((h) => {
      const k = h.schritt + "/" + h.hinweis;
      if (!gesehen.has(k)) { gesehen.add(k); hinweise.push(h); }
    });
    $("hinweise-block").hidden = hinweise.length === 0;
    liste($("hinweise"), hinweise, hinweisEintrag);
    zeigeAbschlag(p.abschlag || null);
    $("angebote-block").hidden = !(p.angebote && p.angebote.length);
    liste($("angebote"), p.angebote || [], angebotsKarte);
    liste($("checkliste"), p.checkliste || [], (c) => {
      const li = el("li", (c.erledigt ? "✓ erledigt: " : "offen: ") + c.text, c.erledigt ? "erledigt" : "offen");
      return li;
    });
    liste($("schritte"), p.schritte || [], (s) => {
      const li = el("li", s.id + " " + s.name, "schritt " + s.status);
      if (s.status === "aktuell") li.setAttribute("aria-current", "step");
      li.title = s.zweck;
      return li;
    });
    $("abweichungen-block").hidden = !(p.abweichungen && p.abweichungen.length);
    liste($("abweichungen"), p.abweichungen || [], (a) => el("li", a.schritt + ": " + a.beschreibung));
  }

  function bereit(ja) {
    beschaeftigt = !ja;
    senden.disabled = !ja;
    feld.setAttribute("aria-busy", ja ? "false" : "true");
  }

  const SPEICHER = "leitfaden-gespraech";
  let beendet = false;

  function merken(id) {
    try {
      if (id) sessionStorage.setItem(SPEICHER, id); else sessionStorage.removeItem(SPEICHER);
    } catch (e) { /* private mode: the call is not resumed after a reload */ }
  }

  function gemerkt() {
    try { return sessionStorage.getItem(SPEICHER); } catch (e) { return null; }
  }

  function neuAufgebaut() {
    leeren(verlauf);
    zeigeSchnellantworten([]);
    $("protokoll-hinweis").hidden = true;
    feld.disabled = false;
    $("gespraech-beenden").disabled = false;
    beendet = false;
  }

  async function beginnen() {
    neuAufgebaut();
    meldung("Neues Gespräch wird vorbereitet …");
    try {
      const r = await api("/konsole/api/gespraeche", {});
      gespraech = r.gespraech;
      merken(gespraech);
      zeigePanel(r.panel);
      meldung("Bereit. Geben Sie ein, was die anrufende Person sagt.");
      bereit(true);
    } catch (e) {
      meldung(e.message, true);
    }
  }

  // After a reload (or a visit to another page) the running call goes on where it was.
  async function fortsetzenOderBeginnen() {
    const id = gemerkt();
    if (!id) return beginnen();
    try {
      const r = await api("/konsole/api/gespraeche/" + encodeURIComponent(id), null, "GET");
      if (r.beendet) return beginnen();
      neuAufgebaut();
      gespraech = r.gespraech;
      (r.verlauf || []).forEach((n) => blase(n.wer, n.text));
      zeigePanel(r.panel);
      meldung("Laufendes Gespräch fortgesetzt.");
      bereit(true);
    } catch (e) {
      merken(null);
      beginnen();
    }
  }

  async function sende(text, anzeige, bestaetigtCent) {
    if (beschaeftigt || !gespraech) return;
    const wert = (text || "").trim();
    if (!wert) {
      meldung("Bitte geben Sie ein, was die anrufende Person sagt.", true);
      feld.focus();
      return;
    }
    bereit(false);
    meldung("Der Assistent antwortet …");
    const daten = { text: wert };
    if (bestaetigtCent !== undefined) daten.bestaetigt_cent = bestaetigtCent;
    try {
      const r = await api("/konsole/api/gespraeche/" + gespraech + "/nachrichten", daten);
      if (r.bestaetigung_noetig) {
        zeigePanel(r.panel);
        meldung("");
        bereit(true);
        oeffneDialog(wert, anzeige || wert);
        return;
      }
      blase("nutzer", anzeige || wert);
      if (text === feld.value) feld.value = "";
      zeigeNachrichten(r.nachrichten || []);
      zeigePanel(r.panel);
      meldung("");
    } catch (e) {
      meldung(e.message, true);
    }
    bereit(true);
    feld.focus();
  }

  function oeffneDialog(text, anzeige) {
    const a = (panel && panel.abschlag) || null;
    if (!a) return;
    wartendeZustimmung = { text: text || "/affirm", anzeige: anzeige || "Zustimmung erteilt", cent: a.betrag_cent };
    $("dialog-text").textContent = a.betrag + " auf das hinterlegte Konto " + a.iban_maskiert +
      " überweisen? Berechnung: " + a.berechnung + ".";
    dialog.returnValue = "";
    dialog.showModal();
    $("dialog-abbrechen").focus();
  }

  dialog.addEventListener("close", () => {
    const z = wartendeZustimmung;
    wartendeZustimmung = null;
    if (dialog.returnValue === "ueberweisen" && z) {
      feld.value = "";
      sende(z.text, z.anzeige, z.cent);
    } else {
      meldung("Überweisung abgebrochen. Es wurde nichts überwiesen.");
      feld.focus();
    }
  });

  $("ueberweisen").addEventListener("click", () => oeffneDialog("/affirm", "Zustimmung erteilt"));

  eingabe.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sende(feld.value);
  });
  feld.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      sende(feld.value);
    }
  });

  $("neues-gespraech").addEventListener("click", async () => {
    const laufend = gespraech && !beendet && verlauf.children.length > 0;
    if (laufend) {
      if (!window.confirm("Das laufende Gespräch beenden und ein neues beginnen?")) return;
      try {
        await api("/konsole/api/gespraeche/" + gespraech + "/beenden", {});
      } catch (e) {
        meldung(e.message, true);
        return;
      }
    }
    beginnen();
  });
  $("gespraech-beenden").addEventListener("click", async () => {
    if (!gespraech) return;
    try {
      const r = await api("/konsole/api/gespraeche/" + gespraech + "/beenden", {});
      const hinweis = $("protokoll-hinweis");
      leeren(hinweis);
      const n = (r.abweichungen || []).length;
      hinweis.appendChild(el("p", "Gespräch beendet. " + (n === 0 ? "Keine Abweichungen." : n + " Abweichung(en) festgehalten.")));
      const link = el("a", "Gesprächsprotokoll öffnen");
      link.href = r.protokoll;
      hinweis.appendChild(link);
      hinweis.hidden = false;
      feld.disabled = true;
      senden.disabled = true;
      $("gespraech-beenden").disabled = true;
      zeigeSchnellantworten([]);
      meldung("Gespräch beendet.");
      beendet = true;
      merken(null);
      link.focus();
    } catch (e) {
      meldung(e.message, true);
    }
  });

  fortsetzenOderBeginnen();
})();
