"""The conformance kit: black-box HTTP tests every target's example app must pass.

``authgen kit OUT/<target>`` (:func:`generator.kit.runner.run_kit`) starts the
package's fake identity service and its example app, then runs the tests in
this folder against them.  The tests speak only HTTP and the contract in
docs/http-contract.md, so the same tests hold every framework to the same
behaviour.  They also run against servers started by hand; see conftest.py.
"""
