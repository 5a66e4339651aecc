/* A lesson a test drives like a learner: it shows what the LMS handed it (entry, location,
 * suspend_data, total time, interactions), and its buttons answer, commit, suspend, complete and ask
 * for navigation. SCORM 1.2 or 2004 by <body data-scorm>. */
(function () {
  "use strict";
  var v12 = document.body.getAttribute("data-scorm") === "1.2";
  var api = SCO.find(v12 ? "API" : "API_1484_11");
  if (!api) {
    SCO.log({found: false});
    return;
  }
  SCO.log({found: true});
  var call = SCO.caller(api, v12 ? "LMSGetLastError" : "GetLastError");
  var E = v12 ? {
    init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish",
    learner: "cmi.core.student_id", entry: "cmi.core.entry", location: "cmi.core.lesson_location",
    totalTime: "cmi.core.total_time", sessionTime: "cmi.core.session_time", exit: "cmi.core.exit",
    response: "student_response", status: "cmi.core.lesson_status"
  } : {
    init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate",
    learner: "cmi.learner_id", entry: "cmi.entry", location: "cmi.location",
    totalTime: "cmi.total_time", sessionTime: "cmi.session_time", exit: "cmi.exit",
    response: "learner_response", status: "cmi.completion_status"
  };
  function value(id) { return document.getElementById(id).value; }
  function on(id, action) { document.getElementById(id).addEventListener("click", action); }
  function sessionTime() {
    if (value("session-time")) call(E.set, E.sessionTime, value("session-time"));
  }
  function navigate(request) {
    call(E.set, "adl.nav.request", request);
    sessionTime();
    call(E.finish, "");
  }

  call(E.init, "");
  SCO.show("learner-id", call(E.get, E.learner));
  SCO.show("entry", call(E.get, E.entry));
  SCO.show("location", call(E.get, E.location));
  SCO.show("suspend-data", call(E.get, "cmi.suspend_data"));
  SCO.show("total-time", call(E.get, E.totalTime));
  var count = call(E.get, "cmi.interactions._count");
  SCO.show("interactions", count);
  if (Number(count) > 0 && !v12) {
    // 1.2 interactions are write only but for _count (1.2 RTE 3.4.2): only 2004 reads them back.
    SCO.show("first-answer", call(E.get, "cmi.interactions.0.id") + "=" +
      call(E.get, "cmi.interactions.0." + E.response));
  }
  SCO.show("status", call(E.get, E.status));
  SCO.log({ready: true});

  on("answer", function () {
    var n = call(E.get, "cmi.interactions._count");
    call(E.set, "cmi.interactions." + n + ".id", "q1");
    call(E.set, "cmi.interactions." + n + ".type", "choice");
    call(E.set, "cmi.interactions." + n + "." + E.response, "b");
    call(E.set, "cmi.interactions." + n + ".result", "correct");
    call(E.set, E.location, value("new-location"));
    call(E.set, "cmi.suspend_data", value("new-suspend-data"));
    SCO.log({answered: true});
  });
  on("commit", function () { call(E.commit, ""); });
  on("big", function () {
    var text = "";
    while (text.length < 20000) text += "0123456789abcdef";
    call(E.set, "cmi.suspend_data", text);
  });
  on("suspend", function () {
    call(E.set, E.exit, "suspend");
    sessionTime();
    call(E.finish, "");
  });
  // What content does when the learner closes the tab before it could call LMSFinish/Terminate.
  on("suspend-no-finish", function () {
    call(E.set, E.exit, "suspend");
    sessionTime();
    SCO.log({suspended: true});
  });
  on("complete", function () {
    if (v12) {
      call(E.set, "cmi.core.score.raw", "90");
      call(E.set, "cmi.core.lesson_status", "passed");
    } else {
      call(E.set, "cmi.score.scaled", "0.9");
      call(E.set, "cmi.success_status", "passed");
      call(E.set, "cmi.completion_status", "completed");
    }
    call(E.set, E.exit, v12 ? "" : "normal");
    sessionTime();
    call(E.finish, "");
  });
  on("finish", function () {
    sessionTime();
    call(E.finish, "");
  });
  on("nav-continue", function () { navigate("continue"); });
  on("nav-previous", function () { navigate("previous"); });
  on("nav-choice", function () { navigate("{target=" + value("target") + "}choice"); });
  on("nav-suspend-all", function () { navigate("suspendAll"); });
  on("nav-exit-all", function () { navigate("exitAll"); });
}());
