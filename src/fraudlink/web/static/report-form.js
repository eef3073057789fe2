// The report page suggests a fraud type from the story while the victim types it, with the
// same classifier as POST /v1/reports/classify. Without JavaScript the server still decides the
// type after submission; this only shows the suggestion early.
(function () {
  "use strict";
  // After a failed submission, take the reader to the list of what must be corrected.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  const narrative = document.getElementById("narrative");
  const channel = document.getElementById("channel");
  const output = document.getElementById("type-suggestion");
  if (!narrative || !output) return;
  let timer = null;

  function label(fraudType) {
    return output.dataset["label" + fraudType.split("_").map(
      (part) => part.charAt(0).toUpperCase() + part.slice(1)).join("")];
  }

  async function suggest() {
    const text = narrative.value.trim();
    if (text.length < 20) { output.textContent = ""; return; }
    const response = await fetch("/v1/reports/classify", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ narrative: text, channel: channel && channel.value ? channel.value : null }),
    });
    if (!response.ok) return;
    const suggestion = await response.json();
    if (suggestion.fraud_type === "other" || suggestion.confidence < 0.3) { output.textContent = ""; return; }
    output.textContent = output.dataset.lead + " " + label(suggestion.fraud_type);
    output.dataset.fraudType = suggestion.fraud_type;
  }

  narrative.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 600);
  });
})();
