// Puppeteer launch options for CATAPULT's lts (found through JEST_PUPPETEER_CONFIG):
// Debian's Chromium instead of a downloaded browser, headless, without the sandbox (containers, root).
module.exports = {
    launch: {
        executablePath: process.env.CATAPULT_CHROMIUM || "/usr/bin/chromium",
        headless: process.env.HEADLESS !== "false",
        args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"]
    }
};
