/* cmd-check.c — `jingle-agent check`: connect, authenticate, bind, and
 * report what was negotiated and what the server offers (features, SOCKS5
 * proxies, STUN/TURN services), then close cleanly. Exit 0, 3 (connection
 * or TLS) or 4 (authentication). */
#include "agent/cli/cli.h"

#include <stdio.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/services.h"

typedef struct {
  JaCli *cli;
  JaXmppStream *stream;
  gint64 t0;
  gint64 ping_sent;
} Check;

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Check *c = user_data;

  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  g_main_loop_quit (c->cli->loop);
}

static void
finish (Check *c, const GError *error)
{
  if (error != NULL) {
    c->cli->exit_code = ja_cli_fail (c->cli, error);
  } else {
    c->cli->exit_code = JA_EXIT_OK;
    if (c->cli->json) {
      JaJsonEvent *ev = ja_json_event_new ("done");

      ja_json_event_add_bool (ev, "ok", TRUE);
      ja_json_event_emit (ev);
    } else {
      ja_cli_say (c->cli, "check: OK");
    }
  }
  ja_xmpp_stream_close_async (c->stream, closed_cb, c);
}

static void
report_server (Check *c, const JaServerInfo *info)
{
  JaCli *cli = c->cli;

  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("server-features");

    ja_json_event_add_strv (ev, "features",
        (const char *const *) info->features);
    ja_json_event_emit (ev);
    for (guint i = 0; i < info->proxies->len; i++) {
      JaS5bProxy *p = g_ptr_array_index (info->proxies, i);

      ev = ja_json_event_new ("socks5-proxy");
      ja_json_event_add_string (ev, "jid", p->jid);
      ja_json_event_add_string (ev, "host", p->host);
      ja_json_event_add_int (ev, "port", p->port);
      ja_json_event_emit (ev);
    }
    for (guint i = 0; i < info->services->len; i++) {
      JaExtService *s = g_ptr_array_index (info->services, i);

      ev = ja_json_event_new ("external-service");
      ja_json_event_add_string (ev, "type", s->type);
      ja_json_event_add_string (ev, "host", s->host);
      ja_json_event_add_int (ev, "port", s->port);
      ja_json_event_add_string (ev, "transport", s->transport);
      ja_json_event_add_bool (ev, "credentials", s->password != NULL);
      ja_json_event_add_string (ev, "expires", s->expires);
      ja_json_event_emit (ev);
    }
    if (info->services_error != NULL) {
      ev = ja_json_event_new ("external-services-unavailable");
      ja_json_event_add_string (ev, "reason", info->services_error);
      ja_json_event_emit (ev);
    }
    return;
  }

  ja_cli_say (cli, "server features (%u):", g_strv_length (info->features));
  for (guint i = 0; info->features[i] != NULL; i++)
    ja_cli_say (cli, "  %s", info->features[i]);
  ja_cli_say (cli, "SOCKS5 proxies (%u):", info->proxies->len);
  for (guint i = 0; i < info->proxies->len; i++) {
    JaS5bProxy *p = g_ptr_array_index (info->proxies, i);

    ja_cli_say (cli, "  %s at %s port %u", p->jid, p->host, p->port);
  }
  if (info->services_error != NULL)
    ja_cli_say (cli, "STUN/TURN services: none (%s)", info->services_error);
  else
    ja_cli_say (cli, "STUN/TURN services (%u):", info->services->len);
  for (guint i = 0; i < info->services->len; i++) {
    JaExtService *s = g_ptr_array_index (info->services, i);
    g_autofree char *port = s->port ? g_strdup_printf (":%u", s->port)
        : g_strdup ("");

    ja_cli_say (cli, "  %s %s%s%s%s%s%s", s->type, s->host, port,
        s->transport ? " " : "", s->transport ? s->transport : "",
        s->password ? " (with credentials" : "",
        s->password ? (s->expires ? ", expiring)" : ")") : "");
  }
}

static void
ping_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Check *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);
  double ms = (g_get_monotonic_time () - c->ping_sent) / 1000.0;

  if (reply == NULL) {
    finish (c, error);
    return;
  }
  if (c->cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("ping");

    ja_json_event_add_double (ev, "rtt_ms", ms);
    ja_json_event_emit (ev);
  } else {
    ja_cli_say (c->cli, "ping: %.2f ms", ms);
  }
  finish (c, NULL);
}

static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Check *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaServerInfo) info = ja_xmpp_discover_server_finish (
      JA_XMPP_STREAM (source), res, &error);
  JaXmlNode *iq;

  if (info == NULL) {
    finish (c, error);
    return;
  }
  report_server (c, info);
  /* XEP-0199 §4.2: client-to-server ping, timed. */
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "get");
  ja_xml_node_set_attr (iq, "to", ja_xmpp_stream_get_domain (c->stream));
  ja_xml_node_add_new (iq, "ping", JA_NS_PING);
  c->ping_sent = g_get_monotonic_time ();
  ja_xmpp_stream_iq_async (c->stream, iq, NULL, ping_cb, c);
}

static void
report_session (Check *c)
{
  JaCli *cli = c->cli;
  JaXmppStream *s = c->stream;
  g_autofree char *cipher = ja_xmpp_stream_dup_tls_cipher (s);
  double ms = (g_get_monotonic_time () - c->t0) / 1000.0;

  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("connected");

    ja_json_event_add_string (ev, "address",
        ja_xmpp_stream_get_remote_address (s));
    ja_json_event_add_string (ev, "tls_mode",
        ja_xmpp_stream_is_direct_tls (s) ? "direct" : "starttls");
    ja_json_event_add_string (ev, "tls_version",
        ja_xmpp_stream_get_tls_version (s));
    ja_json_event_add_string (ev, "tls_cipher", cipher);
    ja_json_event_add_string (ev, "certificate",
        ja_xmpp_stream_get_tls_verification (s));
    ja_json_event_add_string (ev, "sasl_mechanism",
        ja_xmpp_stream_get_sasl_mechanism (s));
    ja_json_event_add_string (ev, "channel_binding",
        ja_xmpp_stream_get_cb_type (s));
    ja_json_event_add_string (ev, "jid", ja_xmpp_stream_get_bound_jid (s));
    ja_json_event_add_bool (ev, "stream_management",
        ja_xmpp_stream_sm_enabled (s));
    ja_json_event_add_string (ev, "caps_ver", ja_xmpp_stream_get_caps_ver (s));
    ja_json_event_add_double (ev, "setup_ms", ms);
    ja_json_event_emit (ev);
    return;
  }
  ja_cli_say (cli, "connected: %s (%s) in %.1f ms",
      ja_xmpp_stream_get_remote_address (s),
      ja_xmpp_stream_is_direct_tls (s) ? "direct TLS" : "STARTTLS", ms);
  ja_cli_say (cli, "TLS: %s, cipher %s", ja_xmpp_stream_get_tls_version (s),
      cipher);
  ja_cli_say (cli, "certificate: %s", ja_xmpp_stream_get_tls_verification (s));
  ja_cli_say (cli, "SASL mechanism: %s%s%s",
      ja_xmpp_stream_get_sasl_mechanism (s),
      ja_xmpp_stream_get_cb_type (s) ? ", channel binding " : "",
      ja_xmpp_stream_get_cb_type (s) ? ja_xmpp_stream_get_cb_type (s) : "");
  ja_cli_say (cli, "bound JID: %s", ja_xmpp_stream_get_bound_jid (s));
  ja_cli_say (cli, "stream management: %s",
      ja_xmpp_stream_sm_enabled (s) ? "enabled (XEP-0198)" : "off");
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Check *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!ja_xmpp_stream_connect_finish (JA_XMPP_STREAM (source), res, &error)) {
    c->cli->exit_code = ja_cli_fail (c->cli, error);
    g_main_loop_quit (c->cli->loop);
    return;
  }
  report_session (c);
  ja_xmpp_discover_server_async (c->stream, NULL, discovered_cb, c);
}

int
ja_cmd_check (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- connect, log in, and report what the server offers");
  g_autoptr (GError) error = NULL;
  JaCli cli = { 0 };
  Check c = { &cli, NULL, 0, 0 };
  int code;

  ja_cli_add_common_options (&cli, ctx);
  g_option_context_set_help_enabled (ctx, TRUE);
  g_option_context_set_summary (ctx,
      "Exit status: 0 success, 2 usage, 3 connection or TLS failure, "
      "4 authentication failure.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent check: %s\n", error->message);
    ja_cli_clear (&cli);
    return JA_EXIT_USAGE;
  }
  if (argc > 1) {
    fprintf (stderr, "jingle-agent check: unexpected argument '%s'\n", argv[1]);
    ja_cli_clear (&cli);
    return JA_EXIT_USAGE;
  }
  if (!ja_cli_prepare (&cli, &error)
      || (c.stream = ja_cli_new_stream (&cli, &error)) == NULL) {
    code = ja_cli_fail (&cli, error);
    ja_cli_clear (&cli);
    return code;
  }
  cli.loop = g_main_loop_new (NULL, FALSE);
  c.t0 = g_get_monotonic_time ();
  ja_xmpp_stream_connect_async (c.stream, NULL, connected_cb, &c);
  g_main_loop_run (cli.loop);
  code = cli.exit_code;
  g_object_unref (c.stream);
  ja_cli_clear (&cli);
  return code;
}
