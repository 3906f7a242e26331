/* jingle-test-session.h — the fixture shared by the session and transport
 * tests: a manager on the fake signalling, helpers that bring a session to
 * a given state through real stanza exchanges, and the peer's stanzas. */
#pragma once

#include "tests/unit/jingle/jingle-test-fakes.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/ns.h"

typedef struct {
  FakeSignalling *fake;
  JaJingleManager *manager;
  JaJingleSession *session;      /* the session under test (ref) */
  gboolean auto_accept;
  guint incoming, terminated, content_added;
  JaJingleReason reason;
  gboolean by_peer;
} Fixture;

#define J "xmlns='urn:xmpp:jingle:1'"
#define ERR_NS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define JERR_NS "xmlns='urn:xmpp:jingle:errors:1'"
#define C1 "<content creator='initiator' name='c1'>" \
    "<description xmlns='" FAKE_NS_APP "'/>" \
    "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"

void fixture_set_up (Fixture *f, gconstpointer data);
void fixture_tear_down (Fixture *f, gconstpointer data);

/* The peer sends <iq id=id><jingle action sid [attrs]>inner</jingle></iq>. */
void peer_sends (Fixture *f, const char *id, const char *action,
    const char *sid, const char *attrs, const char *inner);
void expect_result (Fixture *f, const char *id);
/* app NULL: no Jingle condition. */
void expect_error (Fixture *f, const char *id, const char *type,
    const char *cond, const char *app);
/* Expects our <iq type='set'><jingle action sid>inner</jingle></iq> and
 * answers it with a result; attrs: extra <jingle/> attributes or "". */
void expect_set (Fixture *f, const char *action, const char *sid,
    const char *attrs, const char *inner);
/* Same, without answering; returns the IQ id. */
const char *expect_set_pending (Fixture *f, const char *action,
    const char *sid, const char *attrs, const char *inner);

/* Bring f->session to a state; every stanza checked on the way. */
void go_incoming (Fixture *f, const char *sid);          /* PENDING, responder */
void go_outgoing (Fixture *f);                           /* PENDING, initiator */
void go_active_responder (Fixture *f, const char *sid);
void go_active_initiator (Fixture *f);

/* Count its "terminated" and "content-added" into f. */
void watch (Fixture *f, JaJingleSession *s);
const char *sid_of (Fixture *f);
JaJingleContent *c1_of (Fixture *f);
FakeApp *app_of (JaJingleContent *c);
FakeTransport *tp_of (JaJingleContent *c);

/* Iterates the main context until cond holds (at most timeout_ms). */
gboolean wait_until (gboolean (*cond) (gpointer), gpointer data,
    guint timeout_ms);
