"""The browser tests: the example app's pages in a real Chromium, as a person uses them.

``python -m generator.browser OUT/<target>`` starts the fake and the example
app the way the conformance kit does (twice: once as generated, once with
the brand settings changed), then drives Debian's ``chromium`` with
Playwright: keyboard-only sign-in and sign-out, the announced error of a
wrong password, axe-core on every page, screenshots at phone and desktop
widths, and a sign-in with JavaScript turned off.
"""
