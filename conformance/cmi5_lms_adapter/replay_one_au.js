/*
    Runs one CATAPULT lts package's AU the way the suite does (import, launch through course_api_lms_script.js, load in
    Chromium) and prints every xAPI/fetch request the AU sends with our answer, its console, and the
    result object the AU displays. For diagnosing a failing "AU execution" test; the suite never sees it.

    Usage (environment as for the suite, see run_catapult.sh --trace):
      node replay_one_au.js PACKAGE.zip [--mode Browse|Review] [--runs N] [--abandon] [--waive REASON]
*/
"use strict";

const fs = require("fs"),
    path = require("path");

const ltsDir = process.env.CATAPULT_LTS_DIR,
    puppeteer = require(require.resolve("puppeteer", {paths: [ltsDir]})),
    LMS = require("./course_api_lms_script.js"),
    launchOptions = require("./debian_chromium_launch.js").launch;

const args = process.argv.slice(2),
    packageName = args[0],
    option = (name) => {
        const at = args.indexOf(name);

        return at === -1 ? undefined : args[at + 1];
    },
    launchMode = option("--mode"),
    runs = Number(option("--runs") || 1),
    waiveReason = option("--waive"),
    abandon = args.includes("--abandon"),
    RESULT_TIMEOUT_MS = 15000,
    BODY_TIMEOUT_MS = 1000;

const shorten = (text, limit = 600) => (text && text.length > limit ? `${text.slice(0, limit)}...` : text || "");

const main = async () => {
    await LMS.setup("trace");
    const browser = await puppeteer.launch(launchOptions),
        page = await browser.newPage(),
        started = Date.now(),
        stamp = () => `${String(Date.now() - started).padStart(6)} ms`;

    page.on("console", (message) => console.log(`${stamp()} console.${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => console.log(`${stamp()} pageerror: ${error}`));
    page.on("requestfailed", (request) => console.log(`${stamp()} FAILED ${request.method()} ${request.url()} ${request.failure() && request.failure().errorText}`));
    page.on("request", (request) => {
        if (/\/(xapi|cmi5)\//.test(request.url())) {
            console.log(`${stamp()} ${request.method()} ${decodeURIComponent(request.url().replace(/^https?:\/\/[^/]+/, ""))}`);
            if (request.postData()) {
                console.log(`         sent: ${shorten(request.postData())}`);
            }
        }
    });
    page.on("response", async (response) => {
        const request = response.request();

        if (! /\/(xapi|cmi5)\//.test(request.url())) {
            return;
        }
        // The body is read with a bound: puppeteer 10 may never answer for some responses.
        const body = await Promise.race([
            response.text().catch((ex) => `(no body: ${ex.message})`),
            new Promise((resolve) => setTimeout(() => resolve("(body not available)"), BODY_TIMEOUT_MS))
        ]);

        console.log(`${stamp()} <- ${response.status()} ${request.method()} ${request.url().replace(/^https?:\/\/[^/]+/, "").split("?")[0]}: ${shorten(body)}`);
    });

    try {
        const stream = fs.createReadStream(path.join(ltsDir, "pkg", "dist", packageName)),
            courseId = await LMS.importCourse(stream, packageName.endsWith(".zip") ? "application/zip" : "text/xml", packageName);
        let registration;

        for (let run = 0; run < runs; run++) {
            const url = await LMS.getLaunchUrl(
                courseId, 0, {account: {name: packageName, homePage: "https://w3id.org/xapi/cmi5/catapult/lts"}},
                {registration, launchMode}
            );

            console.log(`${stamp()} launch ${run + 1}: ${url}`);
            await page.goto(url);
            if (abandon) {
                const button = await page.waitForSelector("#abandon", {timeout: RESULT_TIMEOUT_MS}),
                    sessionId = await page.evaluate("document.getElementById(\"abandon\").getAttribute(\"value\")");

                await LMS.abandonSession(sessionId);
                console.log(`${stamp()} abandoned session ${sessionId}`);
                await button.click();
            }
            const result = await page.waitForSelector("#result", {timeout: RESULT_TIMEOUT_MS})
                .then((element) => element.evaluate((el) => el.textContent))
                .catch((ex) => `(no #result: ${ex.message})`);

            console.log(`${stamp()} result: ${result}`);
            if (result.startsWith("(no #result")) {
                console.log(`${stamp()} page body: ${shorten(await page.evaluate(() => document.body.innerHTML), 2000)}`);
            }
            try {
                registration = JSON.parse(result).registration;
            }
            catch (ex) {
                break;
            }
            if (waiveReason) {
                await LMS.waiveAU(registration, 0, waiveReason);
                console.log(`${stamp()} waived AU 0 of ${registration}`);
            }
        }
    }
    finally {
        await LMS.cleanup().catch((ex) => console.log(`cleanup: ${ex}`));
        await browser.close();
    }
};

main().catch((ex) => {
    console.error(ex);
    process.exit(1);
});
