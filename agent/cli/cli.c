/* cli.c — the common options and output of every jingle-agent subcommand:
 * --jid, --password-file (or JINGLE_AGENT_PASSWORD), --server, --ca-file,
 * --resource, --config, --json, --log-xmpp, --verbose, and the mapping of
 * errors to exit codes. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <gio/gio.h>

#include "agent/discovery.h"
#include "media/media-error.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/jid.h"

/* What our caps (XEP-0115) say; the same node the stream advertises. */
#define CAPS_NODE "https://jingle-agent.invalid/caps"
#define RESOLVE_TIMEOUT_MS 5000

static gboolean
log_xmpp_cb (const char *name, const char *value, gpointer data,
    GError **error)
{
  JaCli *cli = data;

  g_free (cli->log_xmpp);
  cli->log_xmpp = g_strdup (value ? value : "");
  cli->log_xmpp_set = TRUE;
  return TRUE;
}

void
ja_cli_add_common_options (JaCli *cli, GOptionContext *ctx)
{
  GOptionEntry entries[] = {
    { "jid", 0, 0, G_OPTION_ARG_STRING, &cli->config.jid,
      "The account to use (user@domain[/resource])", "JID" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME,
      &cli->config.password_file,
      "Read the password from FILE (else $JINGLE_AGENT_PASSWORD)", "FILE" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &cli->config.server,
      "Connect to HOST[:PORT] instead of looking up SRV records",
      "HOST[:PORT]" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->config.ca_file,
      "Also trust the CA certificates in this PEM file", "PEM" },
    { "resource", 0, 0, G_OPTION_ARG_STRING, &cli->config.resource,
      "Resource to bind (default: jingle-agent-<random>)", "NAME" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &cli->config_file,
      "Key file with an [account] group (default: "
      "$XDG_CONFIG_HOME/jingle-agent/jingle-agent.conf)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      "One JSON event per line on stdout", NULL },
    { "log-xmpp", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
      log_xmpp_cb, "Log XMPP traffic to stderr (SASL payloads redacted); "
      "FILTER: comma-separated element names or namespace parts",
      "[FILTER]" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose,
      "Log what the agent does to stderr", NULL },
    { "direct-tls", 0, 0, G_OPTION_ARG_NONE, &cli->config.direct_tls,
      "With --server: TLS from the first byte (XEP-0368) instead of STARTTLS",
      NULL },
    { "pin-sha256", 0, 0, G_OPTION_ARG_STRING, &cli->config.pin_sha256,
      "Accept only the server certificate with this SHA-256 (hex)", "HEX" },
    { "tls-priority", 0, 0, G_OPTION_ARG_STRING, &cli->config.tls_priority,
      "GnuTLS priority string (e.g. NORMAL:-VERS-TLS1.3)", "STRING" },
    { "no-system-trust", 0, 0, G_OPTION_ARG_NONE,
      &cli->config.no_system_trust,
      "Trust only --ca-file, not the system store", NULL },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE,
      &cli->config.allow_plaintext,
      "Accept a server without STARTTLS (loopback servers only)", NULL },
    { "no-sm", 0, 0, G_OPTION_ARG_NONE, &cli->config.no_sm,
      "Do not enable stream management (XEP-0198)", NULL },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT,
      &cli->config.connect_timeout_s,
      "Seconds to wait for a session (default 15)", "SECONDS" },
    { NULL }
  };
  GOptionEntry serverless[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &cli->config.listen,
      "Serverless: accept peers directly on ADDRESS:PORT (port 0: any)",
      "ADDRESS:PORT" },
    { "peer", 0, 0, G_OPTION_ARG_STRING, &cli->config.peer,
      "Serverless: connect directly to the agent listening on HOST:PORT "
      "(or NAME@HOST, found through mDNS/DNS-SD when discovery is on)",
      "HOST:PORT" },
    { "identity", 0, 0, G_OPTION_ARG_FILENAME, &cli->config.identity,
      "Serverless: our certificate and key (PEM; made on first use; "
      "default $XDG_DATA_HOME/jingle-agent/identity.pem)", "FILE" },
    { "known-peers", 0, 0, G_OPTION_ARG_FILENAME, &cli->config.known_peers,
      "Serverless: peers' certificate SHA-256s, recorded on first contact "
      "(default $XDG_DATA_HOME/jingle-agent/known_peers)", "FILE" },
    { "peer-fingerprint", 0, 0, G_OPTION_ARG_STRING,
      &cli->config.peer_fingerprint,
      "Serverless: accept only the peer certificate with this SHA-256 (hex)",
      "HEX" },
    { "insecure-plaintext", 0, 0, G_OPTION_ARG_NONE,
      &cli->config.insecure_plaintext,
      "Serverless: no TLS (loopback only; the other side must pass it too)",
      NULL },
    { NULL }
  };
  GOptionGroup *direct = g_option_group_new ("serverless",
      "Serverless options (XEP-0174; instead of --jid/--server):",
      "Options for direct streams between two agents", cli, NULL);
  GOptionGroup *group = g_option_group_new ("common", "Common options:",
      "Options every subcommand takes", cli, NULL);

  g_option_group_add_entries (group, entries);
  g_option_context_add_group (ctx, group);
  g_option_group_add_entries (direct, serverless);
  g_option_context_add_group (ctx, direct);
}

static gboolean
our_domain (const char *domain)
{
  return domain != NULL && g_str_has_prefix (domain, "ja-")
      && !g_str_equal (domain, "ja-xmpp-wire");
}

static void
log_handler (const char *domain, GLogLevelFlags level, const char *message,
    gpointer user_data)
{
  JaCli *cli = user_data;

  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0) {
    if (!cli->verbose || !our_domain (domain))
      return;
  }
  fprintf (stderr, "%s: %s\n", domain ? domain : "jingle-agent", message);
}

gboolean
ja_cli_prepare (JaCli *cli, GError **error)
{
  g_log_set_default_handler (log_handler, cli);
  return ja_config_load_file (&cli->config, cli->config_file, error);
}

void
ja_cli_clear (JaCli *cli)
{
  ja_config_clear (&cli->config);
  g_free (cli->config_file);
  g_free (cli->log_xmpp);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_pointer (&cli->discovery, ja_discovery_free);
}

void
ja_cli_say (JaCli *cli, const char *format, ...)
{
  va_list args;

  if (cli->json)
    return;
  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

int
ja_cli_exit_code_for (const GError *error)
{
  if (error->domain == JA_XMPP_STREAM_ERROR) {
    switch ((JaXmppStreamError) error->code) {
    case JA_XMPP_STREAM_ERROR_AUTH:
    case JA_XMPP_STREAM_ERROR_NO_MECHANISM:
      return JA_EXIT_AUTH;
    case JA_XMPP_STREAM_ERROR_PEER_CHANGED:
      return JA_EXIT_PEER_CHANGED;
    default:
      return JA_EXIT_CONNECT;
    }
  }
  if (error->domain == JA_MEDIA_ERROR)
    return JA_EXIT_MEDIA;     /* e.g. a device:NAME that is not there */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return JA_EXIT_USAGE;
  if (error->domain == G_FILE_ERROR)
    return JA_EXIT_USAGE;     /* e.g. an unreadable --password-file */
  return JA_EXIT_FAILURE;
}

int
ja_cli_fail (JaCli *cli, const GError *error)
{
  int code = ja_cli_exit_code_for (error);

  fprintf (stderr, "jingle-agent: %s\n", error->message);
  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("error");

    ja_json_event_add_string (ev, "message", error->message);
    ja_json_event_add_int (ev, "exit_code", code);
    ja_json_event_emit (ev);
  }
  return code;
}

static gboolean
wire_matches (const char *filter, const JaXmlNode *node)
{
  g_auto (GStrv) terms = NULL;

  if (filter == NULL || filter[0] == '\0')
    return TRUE;
  terms = g_strsplit (filter, ",", -1);
  for (guint t = 0; terms[t] != NULL; t++) {
    const char *term = g_strstrip (terms[t]);

    if (term[0] == '\0')
      continue;
    if (g_str_equal (node->name, term)
        || (node->ns != NULL && strstr (node->ns, term) != NULL))
      return TRUE;
    for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
      const JaXmlNode *c = ja_xml_node_get_child (node, i);

      if (g_str_equal (c->name, term)
          || (c->ns != NULL && strstr (c->ns, term) != NULL))
        return TRUE;
    }
  }
  return FALSE;
}

static void
wire_log_cb (JaXmppWireDirection dir, const JaXmlNode *node,
    gpointer user_data)
{
  JaCli *cli = user_data;
  g_autofree char *text = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  if (!wire_matches (cli->log_xmpp, node))
    return;
  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%H:%M:%S.%f");
  text = ja_xml_node_to_pretty_string (node, "jabber:client");
  fprintf (stderr, "%.12s %s\n%s\n", stamp,
      dir == JA_XMPP_WIRE_SENT ? "SEND >>>" : "RECV <<<", text);
}

void
ja_cli_say_listening (JaCli *cli, JaXmppStream *stream)
{
  const char *addr = ja_xmpp_stream_get_listen_address (stream);
  const char *sha = ja_xmpp_stream_get_own_sha256 (stream);
  const char *colon = strrchr (addr, ':');
  g_autoptr (JaJid) jid = ja_jid_parse (ja_xmpp_stream_get_bound_jid (stream),
      NULL);
  g_autofree char *name = jid ? ja_jid_to_bare (jid) : NULL;
  g_autofree char *why_off = NULL;

  if (cli->discovery == NULL)
    cli->discovery = ja_discovery_new (&why_off);
  if (cli->discovery != NULL && name != NULL)
    ja_discovery_advertise (cli->discovery, name,
        (guint16) g_ascii_strtoull (colon + 1, NULL, 10), CAPS_NODE,
        ja_xmpp_stream_get_caps_ver (stream));
  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("listening");

    ja_json_event_add_string (ev, "address", addr);
    ja_json_event_add_string (ev, "sha256", sha);
    ja_json_event_add_string (ev, "discovery", cli->discovery ? "on" : "off");
    if (why_off != NULL)
      ja_json_event_add_string (ev, "discovery_off", why_off);
    else
      ja_json_event_add_string (ev, "name", name);
    ja_json_event_emit (ev);
    return;
  }
  ja_cli_say (cli, "listening on %s, certificate SHA-256 %s", addr, sha);
  if (cli->discovery != NULL)
    ja_cli_say (cli, "discovery on: published as %s (mDNS/DNS-SD "
        "_presence._tcp); peers connect with --peer %s or --peer %s", name,
        name, addr);
  else
    ja_cli_say (cli, "discovery off (%s): peers connect with --peer %s",
        why_off, addr);
}

/* --peer NAME@HOST: find its address on the local network. */
static gboolean
resolve_peer (JaCli *cli, GError **error)
{
  g_autofree char *why_off = NULL;
  char *found;

  if (cli->discovery == NULL)
    cli->discovery = ja_discovery_new (&why_off);
  if (cli->discovery == NULL) {
    g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_CONNECT,
        "cannot look up %s: discovery off (%s); give --peer HOST:PORT",
        cli->config.peer, why_off);
    return FALSE;
  }
  found = ja_discovery_resolve (cli->discovery, cli->config.peer,
      RESOLVE_TIMEOUT_MS, error);
  if (found == NULL) {
    if (error != NULL && *error != NULL) {
      (*error)->domain = JA_XMPP_STREAM_ERROR;
      (*error)->code = JA_XMPP_STREAM_ERROR_CONNECT;
    }
    return FALSE;
  }
  g_info ("discovery: %s is at %s", cli->config.peer, found);
  g_free (cli->config.peer);
  cli->config.peer = found;
  return TRUE;
}

void
ja_cli_say_peer (JaCli *cli, const char *cmd, JaXmppStream *stream)
{
  const char *peer = ja_xmpp_stream_get_peer_jid (stream);
  const char *addr = ja_xmpp_stream_get_remote_address (stream);
  const char *sha = ja_xmpp_stream_get_peer_sha256 (stream);

  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("peer");

    ja_json_event_add_string (ev, "jid", peer);
    ja_json_event_add_string (ev, "address", addr);
    if (sha != NULL)
      ja_json_event_add_string (ev, "sha256", sha);
    ja_json_event_emit (ev);
    return;
  }
  ja_cli_say (cli, "%s: peer %s at %s, certificate SHA-256 %s", cmd, peer,
      addr, sha != NULL ? sha : "none (PLAINTEXT)");
}

static void
connection_lost_cb (JaXmppStream *stream, const GError *error,
    guint retry_in_ms, gpointer user_data)
{
  JaCli *cli = user_data;
  const char *why = error != NULL ? error->message : "closed";

  cli->connection_lost = TRUE;
  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("connection-lost");

    ja_json_event_add_string (ev, "error", why);
    ja_json_event_add_int (ev, "retry_in_ms", retry_in_ms);
    ja_json_event_emit (ev);
  } else {
    printf ("xmpp: connection lost (%s); trying again in %.1f s\n", why,
        retry_in_ms / 1000.0);
    fflush (stdout);
  }
}

static void
reconnected_cb (JaXmppStream *stream, gboolean resumed, gpointer user_data)
{
  JaCli *cli = user_data;

  if (!cli->connection_lost)
    return;   /* the first "ready" is each command's own */
  cli->connection_lost = FALSE;
  if (cli->json) {
    JaJsonEvent *ev = ja_json_event_new ("reconnected");

    ja_json_event_add_bool (ev, "resumed", resumed);
    ja_json_event_emit (ev);
  } else {
    printf ("xmpp: reconnected (%s)\n", resumed
        ? "session resumed, nothing lost" : "a new session");
    fflush (stdout);
  }
}

JaXmppStream *
ja_cli_new_stream (JaCli *cli, GError **error)
{
  JaXmppStreamConfig sc;
  JaXmppStream *stream;

  if (cli->config.peer != NULL && strchr (cli->config.peer, '@') != NULL
      && !resolve_peer (cli, error))
    return NULL;
  if (!ja_config_to_stream_config (&cli->config, &sc, error))
    return NULL;
  stream = ja_xmpp_stream_new (&sc);
  ja_xmpp_stream_config_clear (&sc);
  if (cli->log_xmpp_set)
    ja_xmpp_stream_set_wire_log (stream, wire_log_cb, cli);
  g_signal_connect (stream, "connection-lost",
      G_CALLBACK (connection_lost_cb), cli);
  g_signal_connect (stream, "ready", G_CALLBACK (reconnected_cb), cli);
  return stream;
}
