/* ja-test-util.h — helpers shared by the tests: run the main loop until a
 * condition holds (no sleeps), and read the integration servers' settings
 * from the JA_TEST_* environment that .ci/test exports. */
#pragma once

#include <glib.h>
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

typedef gboolean (*JaTestCondition) (gpointer user_data);

/* Iterates the default main context until cond returns TRUE or timeout_ms
 * passes; returns the condition's last value. */
gboolean ja_test_wait_until (JaTestCondition cond, gpointer user_data,
    guint timeout_ms);
/* Runs until *flag becomes TRUE. */
gboolean ja_test_wait_flag (const gboolean *flag, guint timeout_ms);

/* The value of a JA_TEST_* variable; aborts the test (a failure, never a
 * skip) when the integration servers are not running. */
const char *ja_test_env (const char *name);

/* A stream config for USER@$JA_TEST_DOMAIN over STARTTLS (or direct TLS)
 * with the test CA; port 0 means the environment's. */
void ja_test_stream_config (JaXmppStreamConfig *cfg, const char *user,
    gboolean direct_tls, guint16 port);

/* Connects a stream and waits for it; fails the test on error. */
JaXmppStream *ja_test_connect (const char *user);
/* Connects; returns FALSE with error. */
gboolean ja_test_connect_stream (JaXmppStream *stream, GError **error);

G_END_DECLS
