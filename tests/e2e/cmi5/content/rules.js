// An AU on the @xapi/cmi5 library, on another origin than the LRS, that the test drives step by step to break
// the session rules. Each step answers {status, body, statementId}: what the LRS said, and the id of the
// statement the library built, so the test can look for it in the store.
"use strict";

window.au = (function build() {
  let cmi5 = null;

  async function outcome(send) {
    let statementId = null;
    const keepId = (statement) => { statementId = statement.id; return statement; };
    try {
      const response = await send(keepId);
      return { status: response.status, body: response.data, statementId };
    } catch (error) {
      if (!error || !error.response) {
        return { status: null, body: String(error), statementId };
      }
      return { status: error.response.status, body: error.response.data, statementId };
    }
  }

  return {
    // The library's own start: fetch, LMS.LaunchData, cmi5LearnerPreferences and "initialized".
    initialize: () => outcome(() => { cmi5 = new Cmi5(); return cmi5.initialize(); }),

    // Everything initialize does but "initialized": the token is fetched here and handed to the library as a
    // resumed session, so it reads LMS.LaunchData and cmi5LearnerPreferences and sends no statement.
    async startWithoutInitialized() {
      cmi5 = new Cmi5();
      const answer = await fetch(cmi5.getLaunchParameters().fetch, { method: "POST" });
      const token = (await answer.json())["auth-token"];
      const started = await outcome(() => cmi5.initialize({ authToken: token, initializedDate: new Date() }));
      return cmi5.getLaunchData() ? { launchMode: cmi5.getLaunchData().launchMode } : started;
    },

    complete: () => outcome((keepId) => cmi5.complete({ transform: keepId })),

    // The library refuses to pass outside Normal mode; this AU lies to it, so the LRS gets the very
    // statement the library sends in a Normal session.
    passIgnoringLaunchMode() {
      const launchMode = cmi5.launchData.launchMode;
      cmi5.launchData.launchMode = "Normal";
      try {
        return outcome((keepId) => cmi5.pass(undefined, { transform: keepId }));
      } finally {
        cmi5.launchData.launchMode = launchMode;
      }
    },

    completeFor: (registration) => outcome((keepId) => cmi5.complete({
      transform: (statement) => keepId({ ...statement, context: { ...statement.context, registration } }),
    })),

    terminate: () => outcome(() => cmi5.terminate()),

    token: () => cmi5.getAuthToken(),
  };
})();
