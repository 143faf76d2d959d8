"""The decisions every target shares, computed once per spec as typed values.

A target's emitter (``generator/emit/<language>.py``) turns these values into
code with the spelling of ``generator/lang/<language>.py``; it does not decide
again which inputs a form has, how a step authenticates or which runtime
helpers a client needs.  Each module here holds one kind of decision:

- :mod:`.client`: each client method's skeleton: what it binds, reads from each response, returns;
- :mod:`.features`: the parts of the contract a spec's operations call for (email links ...);
- :mod:`.forms`: the fields of the login, register and forgot-password forms, and how tests fill them;
- :mod:`.roles`: the role the example apps require on ``/admin``;
- :mod:`.requests`: how each step authenticates, and how its path is described;
- :mod:`.operations`: the service-session values an operation reads first;
- :mod:`.helpers`: what the generated clients and user readers need besides plain code;
- :mod:`.user`: the canonical text attributes, the fields of the user's own, what ``me`` answers;
- :mod:`.errors`: the error class name of each error kind;
- :mod:`.naming`: a target's package names, defaults then the spec's options;
- :mod:`.settings`: what every language lists alike about a service setting.
"""
