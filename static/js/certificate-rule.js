// The organizers' certificate rule form: PUTs the rule as JSON with the session cookie.
(function () {
  const form = document.getElementById("certificate-rule");
  if (!form) return;
  const status = document.getElementById("certificate-rule-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      threshold_minutes: Number(form.elements.threshold_minutes.value),
      min_sessions: Number(form.elements.min_sessions.value),
    };
    status.textContent = "Saving…";
    const response = await fetch(form.dataset.url, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    const data = await response.json();
    status.textContent = response.ok ? "Saved." : data.error.message;
  });
})();
