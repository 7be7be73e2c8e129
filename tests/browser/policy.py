"""Content-Security-Policy violations as the browser stories see them: every one is a console error."""

# Chromium logs a refused script or style, but not always from every frame, and not a handler's
# attempt; the securitypolicyviolation event fires for each, in the page and in its frames.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""
