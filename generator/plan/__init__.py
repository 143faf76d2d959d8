"""The decisions every target shares, computed once per spec as typed values.

A target's printer (``generator/emit/<language>.py`` today, ``generator/lang/``
as targets migrate) turns these values into code; it does not decide again
which inputs a form has, which role guards ``/admin`` or which runtime helpers
a client needs.  Each module here holds one kind of decision:

- :mod:`.forms`: the fields of the login, register and forgot-password forms;
- :mod:`.roles`: the role the example apps require on ``/admin``;
- :mod:`.helpers`: what the generated clients need besides plain requests.
"""
