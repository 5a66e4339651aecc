/*
    The LMS script for ADL's CATAPULT LMS test suite (lts/lib/lms.template.js describes the interface):
    it drives this project's course and launch API (../shared/launch-api.md) and nothing else.

    Environment (set by conformance/run_catapult.sh):
      CATAPULT_LTS_DIR   the suite's lts/ checkout (for its InvalidPackageError class)
      LRS_BASE_URL       the server's public URL, e.g. http://127.0.0.1:8123
      LRS_KEY, LRS_SECRET  a store credential with the `courses` scope, for every API call
      LRS_READ_KEY, LRS_READ_SECRET  a credential of the same store the suite reads statements with
                         (cmi5 4.2.0.0-2); LRS_KEY's when unset
*/
"use strict";

const http = require("http"),
    https = require("https"),
    path = require("path");

// The suite checks `instanceof` against its own class, so the very module it loads must be used.
const ltsDir = process.env.CATAPULT_LTS_DIR || process.cwd(),
    {InvalidPackageError} = require(path.join(ltsDir, "lib", "errors.js"));

const importedCourses = [];
let baseUrl,
    authHeader,
    readAuthHeader;

// Reads a whole stream (the suite hands packages over as fs.ReadStream).
const readAll = async (stream) => {
    const chunks = [];

    for await (const chunk of stream) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    }

    return Buffer.concat(chunks);
};

// One request to the API; never follows redirects, answers {status, body} with body parsed when JSON.
const request = (method, apiPath, {body, contentType} = {}) => new Promise((resolve, reject) => {
    const url = new URL(`${baseUrl}/api/v1${apiPath}`),
        client = url.protocol === "https:" ? https : http,
        headers = {Authorization: authHeader, Accept: "application/json"};

    let payload = null;

    if (body !== undefined) {
        payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        headers["Content-Type"] = contentType || "application/json";
        headers["Content-Length"] = payload.length;
    }

    const req = client.request(url, {method, headers}, (res) => {
        const chunks = [];

        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed = text;

            if ((res.headers["content-type"] || "").includes("json") && text) {
                try {
                    parsed = JSON.parse(text);
                }
                catch (ex) {
                    parsed = text;
                }
            }
            resolve({status: res.statusCode, body: parsed});
        });
        res.on("error", reject);
    });

    req.on("error", reject);
    if (payload) {
        req.write(payload);
    }
    req.end();
});

const basicAuth = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;

const describe = (response) => `${response.status} ${typeof response.body === "string" ? response.body : JSON.stringify(response.body)}`;

const expectStatus = (response, allowed, what) => {
    if (! allowed.includes(response.status)) {
        throw new Error(`${what}: ${describe(response)}`);
    }

    return response.body;
};

module.exports = {
    setup: async () => {
        baseUrl = (process.env.LRS_BASE_URL || "").replace(/\/+$/, "");
        if (! baseUrl || ! process.env.LRS_KEY || ! process.env.LRS_SECRET) {
            throw new Error("LRS_BASE_URL, LRS_KEY and LRS_SECRET must be set");
        }
        authHeader = basicAuth(process.env.LRS_KEY, process.env.LRS_SECRET);
        readAuthHeader = process.env.LRS_READ_KEY
            ? basicAuth(process.env.LRS_READ_KEY, process.env.LRS_READ_SECRET || "")
            : authHeader;
    },

    teardown: async () => {},

    // The suite appends "/statements"; launch-api.md: the xAPI root is served without a trailing slash.
    getLrsEndpoint: () => `${baseUrl}/xapi`,

    getLrsAuthHeader: () => readAuthHeader,

    importCourse: async (stream, contentType, filename) => {
        const response = await request(
            "POST",
            "/courses",
            {body: await readAll(stream), contentType}
        );

        // launch-api.md Courses: 400 invalid_package breaks a cmi5 requirement; 415 is neither zip nor XML.
        if (response.status === 400 && response.body && response.body.error === "invalid_package") {
            throw new InvalidPackageError(
                `Invalid package ${filename} (${response.body.rule}, file ${response.body.file}): ${response.body.message}`
            );
        }
        if (response.status === 415) {
            throw new InvalidPackageError(`Invalid package ${filename} (unsupported media type ${contentType}): ${describe(response)}`);
        }

        const course = expectStatus(response, [201], `import of ${filename}`);

        importedCourses.push(course.id);

        return course.id;
    },

    getLaunchUrl: async (courseId, auIndex, actor, {registration, launchMode} = {}) => {
        const registrationRequest = {course: courseId, learner: actor};

        if (registration) {
            registrationRequest.id = registration;
        }

        // launch-api.md Registrations: 201 new, 200 the same registration again.
        const created = expectStatus(
                await request("POST", "/registrations", {body: registrationRequest}),
                [200, 201],
                `registration on course ${courseId}`
            ),
            launchRequest = {index: auIndex};

        if (launchMode) {
            launchRequest.launchMode = launchMode;
        }

        const launch = expectStatus(
            await request("POST", `/registrations/${created.id}/launch`, {body: launchRequest}),
            [200],
            `launch of AU ${auIndex} in registration ${created.id}`
        );

        return launch.url;
    },

    cleanup: async () => {
        while (importedCourses.length > 0) {
            const courseId = importedCourses.shift();

            expectStatus(await request("DELETE", `/courses/${courseId}`), [204], `delete of course ${courseId}`);
        }
    },

    hasWaive: () => true,

    waiveAU: async (registration, auIndex, reason) => {
        expectStatus(
            await request("POST", `/registrations/${registration}/waive`, {body: {index: auIndex, reason}}),
            [204],
            `waive of AU ${auIndex} in registration ${registration}`
        );
    },

    hasAbandon: () => true,

    abandonSession: async (sessionId) => {
        expectStatus(
            await request("POST", `/sessions/${sessionId}/abandon`, {body: {}}),
            [204],
            `abandon of session ${sessionId}`
        );
    }
};
