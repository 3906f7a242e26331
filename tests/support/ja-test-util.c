/* ja-test-util.c — see ja-test-util.h. */
#include "tests/support/ja-test-util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  gboolean fired;
} Timeout;

static gboolean
timeout_cb (gpointer data)
{
  ((Timeout *) data)->fired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ja_test_wait_until (JaTestCondition cond, gpointer user_data,
    guint timeout_ms)
{
  Timeout t = { FALSE };
  guint id = g_timeout_add (timeout_ms, timeout_cb, &t);
  gboolean ok;

  while (!(ok = cond (user_data)) && !t.fired)
    g_main_context_iteration (NULL, TRUE);
  if (!t.fired)
    g_source_remove (id);
  return ok;
}

static gboolean
flag_cond (gpointer data)
{
  return *(const gboolean *) data;
}

gboolean
ja_test_wait_flag (const gboolean *flag, guint timeout_ms)
{
  return ja_test_wait_until (flag_cond, (gpointer) flag, timeout_ms);
}

const char *
ja_test_env (const char *name)
{
  const char *v = g_getenv (name);

  if (v == NULL || v[0] == '\0') {
    g_printerr ("%s is not set: the integration servers are not running "
        "(start them with tests/integration/servers.sh, as .ci/test does)\n",
        name);
    g_test_fail ();
    g_assert_not_reached ();
  }
  return v;
}

void
ja_test_stream_config (JaXmppStreamConfig *cfg, const char *user,
    gboolean direct_tls, guint16 port)
{
  g_autofree char *pass_file = g_strdup_printf ("%s/%s.pass",
      ja_test_env ("JA_TEST_STATE_DIR"), user);
  g_autofree char *password = NULL;
  char *nl;

  g_assert_true (g_file_get_contents (pass_file, &password, NULL, NULL));
  nl = strchr (password, '\n');
  if (nl != NULL)
    *nl = '\0';
  memset (cfg, 0, sizeof *cfg);
  cfg->jid = g_strdup_printf ("%s@%s", user, ja_test_env ("JA_TEST_DOMAIN"));
  cfg->password = g_steal_pointer (&password);
  cfg->server_host = g_strdup (ja_test_env ("JA_TEST_HOST"));
  cfg->server_port = port ? port : (guint16) atoi (ja_test_env (
          direct_tls ? "JA_TEST_C2S_TLS_PORT" : "JA_TEST_C2S_PORT"));
  cfg->direct_tls = direct_tls;
  cfg->ca_file = g_strdup (ja_test_env ("JA_TEST_CA_FILE"));
  cfg->connect_timeout_ms = 10000;
  cfg->iq_timeout_ms = 10000;
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
} ConnectWait;

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ConnectWait *w = user_data;

  w->ok = ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res,
      &w->error);
  w->done = TRUE;
}

gboolean
ja_test_connect_stream (JaXmppStream *stream, GError **error)
{
  ConnectWait w = { FALSE, FALSE, NULL };

  ja_xmpp_stream_connect_async (stream, NULL, connected_cb, &w);
  g_assert_true (ja_test_wait_flag (&w.done, 20000));
  if (!w.ok)
    g_propagate_error (error, w.error);
  return w.ok;
}

JaXmppStream *
ja_test_connect (const char *user)
{
  JaXmppStreamConfig cfg;
  JaXmppStream *stream;
  g_autoptr (GError) error = NULL;

  ja_test_stream_config (&cfg, user, FALSE, 0);
  stream = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  ja_test_connect_stream (stream, &error);
  g_assert_no_error (error);
  return stream;
}
