// The organizers' certificate run: starts the job, then polls its progress into a <progress>.
(function () {
  const section = document.getElementById("certificate-run");
  if (!section) return;
  const button = document.getElementById("certificate-run-start");
  const bar = document.getElementById("certificate-run-progress");
  const status = document.getElementById("certificate-run-status");

  function show(job) {
    bar.hidden = false;
    bar.max = Math.max(job.total, 1);
    bar.value = job.state === "done" && job.total === 0 ? 1 : job.done;
    const errors = job.errors.length ? `, ${job.errors.length} failed` : "";
    if (job.state === "done") {
      status.textContent = job.total === 0
        ? "Done: nobody new to certify."
        : `Done: ${job.done} of ${job.total} certificates emailed${errors}.`;
    } else if (job.state === "failed") {
      status.textContent = "The run failed.";
    } else {
      status.textContent = `${job.done} of ${job.total || "…"} certificates${errors}…`;
    }
  }

  async function poll(jobId) {
    const response = await fetch(section.dataset.jobs + jobId, { credentials: "same-origin" });
    const job = await response.json();
    if (!response.ok) {
      status.textContent = job.error.message;
      button.disabled = false;
      return;
    }
    show(job);
    if (job.state === "done" || job.state === "failed") {
      button.disabled = false;
    } else {
      setTimeout(() => poll(jobId), 1000);
    }
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Starting…";
    const response = await fetch(section.dataset.url, { method: "POST", credentials: "same-origin" });
    const data = await response.json();
    if (response.status !== 202) {
      status.textContent = data.error.message;
      button.disabled = false;
      return;
    }
    bar.hidden = false;
    bar.value = 0;
    poll(data.job_id);
  });
})();
