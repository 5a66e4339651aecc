// A conformant AU on the @xapi/cmi5 library, packaged in the course zip: it reads its launch parameters
// (cmi5 8.1), fetches its token (8.2) and LMS.LaunchData (10), initializes, completes, passes with a score
// above the mastery score, terminates (9.3) and goes back to the LMS's returnURL (10.2.6).
"use strict";

(async function run() {
  const log = (entry) => { document.getElementById("log").textContent += JSON.stringify(entry) + "\n"; };
  const state = (value) => { document.documentElement.dataset.auState = value; };
  state("starting");
  try {
    const cmi5 = new Cmi5();  // the launch parameters from location.search
    await cmi5.initialize();  // fetch, LMS.LaunchData, cmi5LearnerPreferences, then "initialized"
    log({ step: "initialized", launchData: cmi5.getLaunchData() });
    await cmi5.complete();
    log({ step: "completed" });
    await cmi5.pass(0.9);
    log({ step: "passed" });
    await cmi5.terminate();
    log({ step: "terminated" });
    state("terminated");
    const returnURL = cmi5.getLaunchData().returnURL;
    if (returnURL) {
      window.location.assign(returnURL);  // 10.2.6: the AU MUST redirect to the returnURL when terminated
    }
  } catch (error) {
    const response = error && error.response;
    log({ error: String(error), status: response ? response.status : null, body: response ? response.data : null });
    state("failed");
  }
})();
