/* jingle-test-fakes.h — what the Jingle unit tests run the engine on: a
 * fake JaJingleSignalling that records every stanza the engine sends and
 * lets a test play the peer (deliver a request, answer our IQs), a
 * canonical XML comparison (attribute order ignored, '{id}' matches any
 * value), and fake application/transport kinds with knobs and counters. */
#pragma once

#include "signalling/jingle/jingle-manager.h"

G_BEGIN_DECLS

#define FAKE_OWN "romeo@montague.lit/orchard"
#define FAKE_PEER "juliet@capulet.lit/balcony"
#define FAKE_NS_APP "urn:example:app:stream"        /* streaming, all ops */
#define FAKE_NS_APP_DGRAM "urn:example:app:dgram"   /* datagram, no optional ops */
#define FAKE_NS_TP_HIGH "urn:example:tp:high"       /* streaming, priority 100 */
#define FAKE_NS_TP_LOW "urn:example:tp:low"         /* streaming, priority 10 */
#define FAKE_NS_TP_DGRAM "urn:example:tp:dgram"     /* datagram, no handle_info */
#define FAKE_NS_INFO "urn:example:info"             /* session-info the app takes */

typedef struct _FakeSignalling FakeSignalling;

/* (transfer full) as JaJingleSignalling; the test keeps the pointer. */
FakeSignalling *fake_signalling_new (void);
JaJingleSignalling *fake_signalling_base (FakeSignalling *fake);

/* Parse one element from text (aborts the test when it does not parse). */
JaXmlNode *fake_parse (const char *xml);

/* The peer sends a request: the engine's IQ handler runs as the stream
 * would run it. printf-style. */
void fake_deliver (FakeSignalling *fake, const char *fmt, ...)
    G_GNUC_PRINTF (2, 3);
/* The same with a parsed request (borrowed). */
void fake_deliver_node (FakeSignalling *fake, const JaXmlNode *iq);
/* Pops the next stanza we sent and compares it canonically with the
 * expected text; '{id}' in an attribute matches anything. Returns the id of
 * the actual stanza (valid until the next call). */
const char *fake_expect (FakeSignalling *fake, const char *fmt, ...)
    G_GNUC_PRINTF (2, 3);
/* Pops the next stanza and returns it (transfer full), or NULL. */
JaXmlNode *fake_pop (FakeSignalling *fake);
void fake_expect_nothing (FakeSignalling *fake);
guint fake_n_sent (FakeSignalling *fake);
void fake_drop_all (FakeSignalling *fake);
/* Answers one of our IQs: error_condition NULL for a result, else a stanza
 * error condition (e.g. "conflict"). */
void fake_answer (FakeSignalling *fake, const char *id,
    const char *error_condition);
/* Answers every unanswered IQ of ours with a result. */
void fake_answer_all (FakeSignalling *fake);

gboolean fake_xml_equal (const JaXmlNode *expected, const JaXmlNode *actual,
    GString *why);

/* ---- fake kinds --------------------------------------------------------- */

extern const JaJingleAppKind fake_app_kind;
extern const JaJingleAppKind fake_dgram_app_kind;
extern const JaJingleTransportKind fake_tp_high_kind;
extern const JaJingleTransportKind fake_tp_low_kind;
extern const JaJingleTransportKind fake_tp_dgram_kind;

typedef struct {
  JaJingleApp parent;
  guint accepted, infos, session_infos, started, stopped, senders_changes;
  JaJingleReason stop_reason;
  JaJingleSenders senders;
} FakeApp;

typedef struct {
  JaJingleTransport parent;
  guint accepted, infos, connects;
} FakeTransport;

/* A registry with all the fake kinds. (transfer full) */
JaJingleRegistry *fake_registry_new (void);

G_END_DECLS
