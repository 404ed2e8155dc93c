// Puppeteer must not download a browser (the network reaches only package registries):
// mmdc runs Debian's /usr/bin/chromium, named in puppeteer-config.json.
module.exports = {
  skipDownload: true,
  chrome: { skipDownload: true },
  'chrome-headless-shell': { skipDownload: true },
  firefox: { skipDownload: true },
};
