/* An exact SCORM 1.2 call sequence with the error code each call must leave (SCORM 1.2 RTE 3.3). */
(function () {
  "use strict";
  var api = SCO.find("API");
  if (!api) {
    SCO.log({found: false});
    return;
  }
  SCO.log({found: true});
  var call = SCO.caller(api, "LMSGetLastError");
  call("LMSGetValue", "cmi.core.student_id");                 // before LMSInitialize: 301
  call("LMSInitialize", "");
  call("LMSInitialize", "");                                   // twice: 101
  call("LMSGetValue", "cmi.core.student_id");
  call("LMSGetValue", "cmi.core.student_name");
  call("LMSGetValue", "cmi.core.lesson_status");
  call("LMSGetValue", "cmi.core.entry");
  call("LMSGetValue", "cmi.core.credit");
  call("LMSGetValue", "cmi.core.lesson_mode");
  call("LMSGetValue", "cmi.student_data.mastery_score");
  call("LMSGetValue", "cmi.launch_data");
  call("LMSGetValue", "cmi.core._children");
  call("LMSSetValue", "cmi.core.student_id", "someone-else"); // read only: 403
  call("LMSGetValue", "cmi.core.session_time");                // write only: 404
  call("LMSSetValue", "cmi.core.lesson_status", "finished");   // not in the vocabulary: 405
  call("LMSSetValue", "cmi.core.score.raw", "abc");            // not a decimal: 405
  call("LMSSetValue", "cmi.core._children", "x");              // a keyword: 402
  call("LMSGetValue", "cmi.core.no_such_element");             // 201 or 401
  call("LMSGetValue", "cmi.interactions._count");
  call("LMSSetValue", "cmi.core.lesson_location", "page-3");
  call("LMSSetValue", "cmi.suspend_data", "answered=q1");
  call("LMSSetValue", "cmi.core.score.raw", "85");
  call("LMSSetValue", "cmi.core.score.min", "0");
  call("LMSSetValue", "cmi.core.score.max", "100");
  call("LMSSetValue", "cmi.core.lesson_status", "passed");
  call("LMSSetValue", "cmi.interactions.0.id", "q1");
  call("LMSSetValue", "cmi.interactions.0.type", "choice");
  call("LMSSetValue", "cmi.interactions.0.student_response", "b");
  call("LMSSetValue", "cmi.interactions.0.result", "correct");
  call("LMSGetValue", "cmi.interactions.0.student_response");  // write only: 404
  call("LMSSetValue", "cmi.core.session_time", "00:01:30");
  call("LMSCommit", "");
  call("LMSGetValue", "cmi.core.lesson_location");
  call("LMSGetErrorString", "403");
  call("LMSFinish", "");
  call("LMSCommit", "");                                       // after LMSFinish: 101
  SCO.log({done: true});
}());
