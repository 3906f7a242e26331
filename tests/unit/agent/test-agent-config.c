/* test-agent-config.c — the CLI's settings: --server parsing (names, IPv4,
 * IPv6 with and without brackets, bad ports), the key file, the password
 * from a file or JINGLE_AGENT_PASSWORD, and JSON escaping of events. */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "agent/config.h"
#include "agent/events-json.h"

static void
test_parse_server (void)
{
  static const struct {
    const char *in;
    const char *host;
    guint16 port;
  } good[] = {
    { "example.org", "example.org", 0 },
    { "example.org:5223", "example.org", 5223 },
    { "127.0.0.1:5222", "127.0.0.1", 5222 },
    { "[::1]:5222", "::1", 5222 },
    { "[::1]", "::1", 0 },
    { "::1", "::1", 0 },
  };
  static const char *const bad[] = {
    "", ":5222", "host:", "host:0", "host:65536", "host:x", "[::1", "[]:1",
    "[::1]x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
    g_autofree char *host = NULL;
    guint16 port = 1;
    g_autoptr (GError) error = NULL;

    g_assert_true (ja_config_parse_server (good[i].in, &host, &port, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (host, ==, good[i].host);
    g_assert_cmpuint (port, ==, good[i].port);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *host = NULL;
    guint16 port;
    g_autoptr (GError) error = NULL;

    g_assert_false (ja_config_parse_server (bad[i], &host, &port, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_null (host);
  }
}

static void
test_key_file_and_password (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ja-config-XXXXXX", NULL);
  g_autofree char *conf = g_build_filename (dir, "agent.conf", NULL);
  g_autofree char *pass = g_build_filename (dir, "pass", NULL);
  g_autofree char *text = g_strdup_printf ("[account]\njid=a@example.org\n"
      "password-file=%s\nserver=[::1]:5299\ndirect-tls=true\n", pass);
  JaConfig c = { 0 };
  JaXmppStreamConfig sc;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  g_assert_true (g_file_set_contents (pass, "s3cret\nignored\n", -1, NULL));
  c.resource = g_strdup ("desk");      /* a flag set before the file */
  g_assert_true (ja_config_load_file (&c, conf, &error));
  g_assert_true (ja_config_to_stream_config (&c, &sc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc.jid, ==, "a@example.org");
  g_assert_cmpstr (sc.password, ==, "s3cret");   /* first line only */
  g_assert_cmpstr (sc.server_host, ==, "::1");
  g_assert_cmpuint (sc.server_port, ==, 5299);
  g_assert_true (sc.direct_tls);
  g_assert_cmpstr (sc.resource, ==, "desk");
  ja_xmpp_stream_config_clear (&sc);
  ja_config_clear (&c);

  /* Without a file the environment supplies it; without both: an error. */
  c.jid = g_strdup ("a@example.org");
  g_setenv ("JINGLE_AGENT_PASSWORD", "from-env", TRUE);
  g_assert_true (ja_config_to_stream_config (&c, &sc, NULL));
  g_assert_cmpstr (sc.password, ==, "from-env");
  ja_xmpp_stream_config_clear (&sc);
  g_unsetenv ("JINGLE_AGENT_PASSWORD");
  g_assert_false (ja_config_to_stream_config (&c, &sc, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  ja_config_clear (&c);
  g_clear_error (&error);

  /* A missing --config file is an error, not silently ignored. */
  g_assert_false (ja_config_load_file (&c, "/nonexistent/ja.conf", &error));
  g_assert_nonnull (error);
  g_unlink (conf);
  g_unlink (pass);
  g_rmdir (dir);
}

static void
test_json_escaping (void)
{
  JaJsonEvent *ev = ja_json_event_new ("e\"v");
  const char *const list[] = { "a", "b\\", NULL };
  g_autofree char *line = NULL;

  ja_json_event_add_string (ev, "s", "quote\" nl\n tab\t ctl\x01 \xff end");
  ja_json_event_add_int (ev, "i", -42);
  ja_json_event_add_bool (ev, "b", TRUE);
  ja_json_event_add_double (ev, "d", 1.5);
  ja_json_event_add_strv (ev, "l", list);
  ja_json_event_add_string (ev, "n", NULL);
  line = ja_json_event_finish (ev);
  g_assert_cmpstr (line, ==, "{\"event\":\"e\\\"v\",\"s\":\"quote\\\" nl\\n "
      "tab\\t ctl\\u0001 \xef\xbf\xbd end\",\"i\":-42,\"b\":true,"
      "\"d\":1.500,\"l\":[\"a\",\"b\\\\\"],\"n\":null}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/config/parse-server", test_parse_server);
  g_test_add_func ("/agent/config/key-file-and-password",
      test_key_file_and_password);
  g_test_add_func ("/agent/events-json/escaping", test_json_escaping);
  return g_test_run ();
}
