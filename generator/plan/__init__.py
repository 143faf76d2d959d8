"""The decisions every target shares, computed once per spec as typed values.

A target's emitter (``generator/emit/<language>.py``) turns these values into
code with the spelling of ``generator/lang/<language>.py``; it does not decide
again which inputs a form has, how a step authenticates or which runtime
helpers a client needs.  Each module here holds one kind of decision:

- :mod:`.forms`: the fields of the login, register and forgot-password forms;
- :mod:`.roles`: the role the example apps require on ``/admin``;
- :mod:`.requests`: how each step authenticates, and how its path is described;
- :mod:`.operations`: the service-session values an operation reads first;
- :mod:`.helpers`: what the generated clients need besides plain requests;
- :mod:`.user`: the canonical text attributes and the fields of the user's own;
- :mod:`.errors`: the error class name of each error kind.
"""
