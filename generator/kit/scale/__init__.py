"""The scale test: two instances of a package's example app on one Redis.

``python -m generator.kit.scale OUT/<target>`` starts a Redis of its own
(Debian's ``redis-server``, on a free loopback port, nothing written to
disk), the package's fake, and two instances of the example app that share
that Redis through ``{SLUG}_REDIS_URL``.  Then a client that alternates the
instances checks what a balancer in front of them needs:

1. signed in on A, the session works on B, and the user cache is shared:
   0 calls to the service across both within the TTL;
2. signed out on B, the old cookie is refused on A at once;
3. A restarted, the signed-out cookie is still refused and the live
   session still works;
4. after the TTL: signed out on B while a request of the same session
   waits on the service on A, that request ends without a 5xx and does
   not bring the session back (the cookie is refused on both), and a
   user disabled at the service is refused on both;
5. when the spec has a refresh operation: requests of one session sent at
   once to A and B after its access token expired are all answered, and
   the user is still signed in on both (the fake accepts each refresh
   token once, so the instances must share one refresh);
6. load: 50 concurrent clients, signed in as at least two users, make
   10,000 requests in all, alternating instances: 0 errors, and ``me``
   never answers with another client's user.

Every process (Redis, the fake, both apps) is stopped by its pid whatever
happens.  No part of Redis is mocked.
"""

#: The targets whose example app can share a Redis: the nox sessions ``scale-<target>``.
#: (Standard library only here: the noxfile reads it before anything is installed.)
SCALE_TARGETS = ("flask", "django", "express", "spring", "fastapi")

#: Per target, the commands that install the example app with its Redis support, where they differ from the kit's.
SCALE_INSTALL: dict[str, tuple[str, ...]] = {
    "flask": ("{python} -m pip install -q -e .[redis]",),
    "django": ("{python} -m pip install -q -e .[redis]", "{python} example/manage.py migrate --noinput"),
    "fastapi": ("{python} -m pip install -q -e .[example,redis]",),
}
