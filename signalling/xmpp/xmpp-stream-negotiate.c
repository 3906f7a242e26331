/* xmpp-stream-negotiate.c — everything on the stream that is not a stanza
 * (RFC 6120 §4–§7, XEP-0198): stream features, STARTTLS, SASL, resource
 * binding, stream errors, and stream management (enable, resume, <r/>,
 * <a/>). A step that fails sets the stream's fatal error; the read loop
 * then ends the connection. */
#include "signalling/xmpp/xmpp-stream-private.h"

#include <string.h>

#include "signalling/xmpp/ns.h"

static void
fatal (JaXmppStream *self, int code, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static void
fatal (JaXmppStream *self, int code, const char *format, ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (JA_XMPP_STREAM_ERROR, code, format, args);
  va_end (args);
  ja_xmpp_stream_set_fatal (self, error);
}

/* ---- SASL (RFC 6120 §6) ------------------------------------------------- */

static GBytes *
cb_func (const char *type, gpointer user_data)
{
  JaXmppStream *self = user_data;

  return self->tls_active ? ja_tls_get_channel_binding (self->tls, type)
      : NULL;
}

static void
send_sasl (JaXmppStream *self, const char *name, GBytes *payload,
    const char *mechanism)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new (name, JA_NS_SASL);
  gsize len = payload ? g_bytes_get_size (payload) : 0;

  if (mechanism != NULL)
    ja_xml_node_set_attr (node, "mechanism", mechanism);
  if (len > 0) {
    g_autofree char *b64 = g_base64_encode (g_bytes_get_data (payload, NULL),
        len);

    ja_xml_node_set_text (node, b64);
  } else {
    /* RFC 6120 §6.4.2: an empty response is "=". */
    ja_xml_node_set_text (node, "=");
  }
  ja_xmpp_stream_write_element (self, node);
}

static GBytes *
decode_sasl (const JaXmlNode *node, GError **error)
{
  const char *text = ja_xml_node_get_text (node);
  gsize len = 0;
  guchar *data;

  if (text[0] == '\0' || g_str_equal (text, "="))
    return g_bytes_new (NULL, 0);
  /* g_base64_decode accepts garbage silently; check the alphabet first. */
  for (const char *p = text; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '='
        && !g_ascii_isspace (*p)) {
      g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_PROTOCOL,
          "<%s/> payload is not base64", node->name);
      return NULL;
    }
  }
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

static char **
collect_texts (const JaXmlNode *parent, const char *child, const char *attr)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parent && i < ja_xml_node_get_n_children (parent); i++) {
    JaXmlNode *c = ja_xml_node_get_child (parent, i);

    if (!g_str_equal (c->name, child))
      continue;
    if (attr != NULL && ja_xml_node_get_attr (c, attr) != NULL)
      g_ptr_array_add (out, g_strdup (ja_xml_node_get_attr (c, attr)));
    else if (attr == NULL)
      g_ptr_array_add (out, g_strdup (ja_xml_node_get_text (c)));
  }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
start_sasl (JaXmppStream *self, const JaXmlNode *features)
{
  JaXmlNode *mechs = ja_xml_node_find (features, "mechanisms", JA_NS_SASL);
  JaXmlNode *cbnode = ja_xml_node_find (features, "sasl-channel-binding",
      JA_NS_SASL_CB);
  g_auto (GStrv) offered = collect_texts (mechs, "mechanism", NULL);
  g_auto (GStrv) cb_types = cbnode ? collect_texts (cbnode, "channel-binding",
      "type") : NULL;
  g_autoptr (GBytes) initial = NULL;
  GError *error = NULL;

  if (mechs == NULL) {
    fatal (self, JA_XMPP_STREAM_ERROR_NO_MECHANISM,
        "server offers no SASL authentication");
    return;
  }
  g_clear_pointer (&self->sasl, ja_sasl_free);
  self->sasl = ja_sasl_new ((const char *const *) offered,
      (const char *const *) cb_types,
      self->tls_active ? self->tls_version : NULL, cb_func, self, self->local,
      self->cfg.password ? self->cfg.password : "", &error);
  if (self->sasl == NULL) {
    ja_xmpp_stream_set_fatal (self, error);
    return;
  }
  g_free (self->sasl_mechanism);
  self->sasl_mechanism = g_strdup (ja_sasl_get_mechanism (self->sasl));
  g_free (self->cb_type);
  self->cb_type = g_strdup (ja_sasl_get_cb_type (self->sasl));
  g_info ("stream %s: SASL %s%s%s", self->bare_jid, self->sasl_mechanism,
      self->cb_type ? " with " : "", self->cb_type ? self->cb_type : "");
  initial = ja_sasl_initial (self->sasl);
  ja_xmpp_stream_set_state (self, ST_SASL);
  send_sasl (self, "auth", initial, self->sasl_mechanism);
}

static void
handle_sasl (JaXmppStream *self, const JaXmlNode *node)
{
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) reply = NULL;
  GError *error = NULL;

  if (self->state != ST_SASL || self->sasl == NULL) {
    fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "unexpected SASL <%s/>",
        node->name);
    return;
  }
  if (g_str_equal (node->name, "failure")) {
    JaXmlNode *text = ja_xml_node_find (node, "text", NULL);
    const char *cond = "failure";

    for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
      if (!g_str_equal (ja_xml_node_get_child (node, i)->name, "text"))
        cond = ja_xml_node_get_child (node, i)->name;
    fatal (self, JA_XMPP_STREAM_ERROR_AUTH,
        "authentication as %s failed: %s%s%s", self->bare_jid, cond,
        text ? " — " : "", text ? ja_xml_node_get_text (text) : "");
    return;
  }
  payload = decode_sasl (node, &error);
  if (payload == NULL) {
    ja_xmpp_stream_set_fatal (self, error);
    return;
  }
  if (g_str_equal (node->name, "challenge")) {
    reply = ja_sasl_step (self->sasl, payload, &error);
    if (reply == NULL) {
      /* A bad challenge means the server is not who it claims, or is
       * broken: abort the exchange (RFC 6120 §6.4.4) and stop. */
      ja_xmpp_stream_write_raw (self, "<abort xmlns='" JA_NS_SASL "'/>",
          strlen ("<abort xmlns='" JA_NS_SASL "'/>"));
      if (error->domain != JA_XMPP_STREAM_ERROR) {
        GError *wrapped = g_error_new (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_AUTH, "SASL %s: %s", self->sasl_mechanism,
            error->message);

        g_error_free (error);
        error = wrapped;
      }
      ja_xmpp_stream_set_fatal (self, error);
      return;
    }
    send_sasl (self, "response", reply, NULL);
    return;
  }
  if (g_str_equal (node->name, "success")) {
    if (!ja_sasl_finish (self->sasl, payload, &error)) {
      GError *wrapped = g_error_new (JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_AUTH, "SASL %s: %s", self->sasl_mechanism,
          error->message);

      g_error_free (error);
      ja_xmpp_stream_set_fatal (self, wrapped);
      return;
    }
    g_clear_pointer (&self->sasl, ja_sasl_free);
    self->authenticated = TRUE;
    self->restart = RESTART_STREAM;
    ja_xml_stream_parser_stop (self->parser);
    return;
  }
  fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "unknown SASL element <%s/>",
      node->name);
}

/* ---- resource binding (RFC 6120 §7) ------------------------------------- */

static void
enable_sm (JaXmppStream *self)
{
  g_autoptr (JaXmlNode) enable = ja_xml_node_new ("enable", JA_NS_SM);

  /* Counting starts when <enable/> is sent (XEP-0198 §4). */
  ja_xmpp_sm_reset (self->sm);
  self->sm_enabled = TRUE;
  self->sm_counting_in = FALSE;
  self->sm_resumable = FALSE;
  g_clear_pointer (&self->sm_id, g_free);
  ja_xml_node_set_attr (enable, "resume", "true");
  ja_xmpp_stream_write_element (self, enable);
}

static void
bind_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  JaXmppStream *self = JA_XMPP_STREAM (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) result = ja_xmpp_stream_iq_finish (self, res, &error);
  JaXmlNode *bind, *jid;

  if (result == NULL) {
    if (self->state == ST_BIND)
      ja_xmpp_stream_fail (self, g_error_new (JA_XMPP_STREAM_ERROR,
              JA_XMPP_STREAM_ERROR_BIND, "resource binding refused: %s",
              error->message));
    return;
  }
  bind = ja_xml_node_find (result, "bind", JA_NS_BIND);
  jid = bind ? ja_xml_node_find (bind, "jid", JA_NS_BIND) : NULL;
  if (jid == NULL || ja_xml_node_get_text (jid)[0] == '\0') {
    ja_xmpp_stream_fail (self, g_error_new_literal (JA_XMPP_STREAM_ERROR,
            JA_XMPP_STREAM_ERROR_BIND, "bind result carries no JID"));
    return;
  }
  g_free (self->bound_jid);
  self->bound_jid = g_strdup (ja_xml_node_get_text (jid));
  g_info ("stream %s: bound as %s", self->bare_jid, self->bound_jid);

  if (!self->cfg.no_stream_management
      && ja_xml_node_find (self->server_features, "sm", JA_NS_SM) != NULL) {
    /* Stanzas the old session never got acknowledged go out again on the
     * new one (XEP-0198 §5: the client MAY resend them). */
    g_autoptr (GPtrArray) resend = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < ja_xmpp_sm_get_n_unacked (self->sm); i++)
      g_ptr_array_add (resend,
          g_strdup (ja_xmpp_sm_peek_unacked (self->sm, i)));
    enable_sm (self);
    for (guint i = 0; i < resend->len; i++)
      g_queue_push_tail (&self->pending_plain,
          g_strdup (g_ptr_array_index (resend, i)));
  } else {
    for (guint i = 0; i < ja_xmpp_sm_get_n_unacked (self->sm); i++)
      g_queue_push_tail (&self->pending_plain,
          g_strdup (ja_xmpp_sm_peek_unacked (self->sm, i)));
    ja_xmpp_sm_reset (self->sm);
    self->sm_enabled = FALSE;
    self->sm_counting_in = FALSE;
  }
  ja_xmpp_stream_session_started (self, TRUE);
}

static void
start_bind (JaXmppStream *self)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  JaXmlNode *bind = ja_xml_node_add_new (iq, "bind", JA_NS_BIND);
  JaXmlNode *res = ja_xml_node_add_new (bind, "resource", JA_NS_BIND);

  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_text (res, self->resource);
  ja_xmpp_stream_set_state (self, ST_BIND);
  ja_xmpp_stream_iq_internal (self, iq, bind_cb, NULL);
}

/* ---- stream features (RFC 6120 §4.3.2) ---------------------------------- */

static void
handle_features (JaXmppStream *self, const JaXmlNode *features)
{
  if (ja_xmpp_stream_is_direct (self)) {
    ja_xmpp_stream_direct_features (self);
    return;
  }
  if (!self->tls_active) {
    if (ja_xml_node_find (features, "starttls", JA_NS_TLS) != NULL) {
      ja_xmpp_stream_set_state (self, ST_STARTTLS);
      ja_xmpp_stream_write_raw (self, "<starttls xmlns='" JA_NS_TLS "'/>",
          strlen ("<starttls xmlns='" JA_NS_TLS "'/>"));
      return;
    }
    if (!self->cfg.allow_plaintext || !self->remote_is_loopback) {
      fatal (self, JA_XMPP_STREAM_ERROR_PLAINTEXT,
          "%s does not offer STARTTLS; refusing to authenticate in plaintext%s",
          self->domain, self->cfg.allow_plaintext ?
          " (--allow-plaintext only applies to loopback servers)" :
          " (--allow-plaintext allows it on loopback)");
      return;
    }
  }
  if (!self->authenticated) {
    start_sasl (self, features);
    return;
  }

  g_clear_pointer (&self->server_features, ja_xml_node_free);
  self->server_features = ja_xml_node_copy (features);
  if (self->sm_resumable && self->sm_id != NULL
      && !self->cfg.no_stream_management
      && ja_xml_node_find (features, "sm", JA_NS_SM) != NULL) {
    g_autoptr (JaXmlNode) resume = ja_xml_node_new ("resume", JA_NS_SM);

    ja_xml_node_set_attr (resume, "previd", self->sm_id);
    ja_xml_node_set_attr_printf (resume, "h", "%u",
        ja_xmpp_sm_get_inbound (self->sm));
    ja_xmpp_stream_set_state (self, ST_RESUME);
    ja_xmpp_stream_write_element (self, resume);
    return;
  }
  start_bind (self);
}

/* ---- stream management (XEP-0198) --------------------------------------- */

static void
send_ack (JaXmppStream *self)
{
  g_autofree char *a = g_strdup_printf ("<a xmlns='" JA_NS_SM "' h='%u'/>",
      ja_xmpp_sm_get_inbound (self->sm));

  ja_xmpp_stream_write_raw (self, a, strlen (a));
}

static void
handle_sm (JaXmppStream *self, const JaXmlNode *node)
{
  GError *error = NULL;
  guint32 h;

  if (g_str_equal (node->name, "r")) {
    if (self->sm_enabled)
      send_ack (self);
    return;
  }
  if (g_str_equal (node->name, "a")) {
    if (!self->sm_enabled)
      return;
    if (!ja_xmpp_sm_parse_h (ja_xml_node_get_attr (node, "h"), &h)) {
      fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "<a/> without a valid h");
      return;
    }
    if (!ja_xmpp_sm_ack (self->sm, h, &error))
      ja_xmpp_stream_set_fatal (self, error);
    return;
  }
  if (g_str_equal (node->name, "enabled")) {
    const char *resume = ja_xml_node_get_attr (node, "resume");

    /* The server counts what it sends from here on (XEP-0198 §4). */
    self->sm_counting_in = TRUE;
    g_free (self->sm_id);
    self->sm_id = g_strdup (ja_xml_node_get_attr (node, "id"));
    self->sm_resumable = self->sm_id != NULL
        && (g_strcmp0 (resume, "true") == 0 || g_strcmp0 (resume, "1") == 0);
    g_info ("stream %s: stream management on%s", self->bare_jid,
        self->sm_resumable ? ", resumable" : "");
    return;
  }
  if (g_str_equal (node->name, "resumed")) {
    if (self->state != ST_RESUME) {
      fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "unexpected <resumed/>");
      return;
    }
    if (!ja_xmpp_sm_parse_h (ja_xml_node_get_attr (node, "h"), &h)) {
      fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL, "<resumed/> without h");
      return;
    }
    if (!ja_xmpp_sm_ack (self->sm, h, &error)) {
      ja_xmpp_stream_set_fatal (self, error);
      return;
    }
    g_info ("stream %s: session resumed, resending %u stanzas",
        self->bare_jid, ja_xmpp_sm_get_n_unacked (self->sm));
    ja_xmpp_stream_resend_unacked (self);
    ja_xmpp_stream_session_started (self, FALSE);
    return;
  }
  if (g_str_equal (node->name, "failed")) {
    if (self->state == ST_RESUME) {
      /* The server forgot the session: bind a new one; what it never
       * acknowledged is sent again there. */
      g_info ("stream %s: resumption refused, starting a new session",
          self->bare_jid);
      self->sm_resumable = FALSE;
      start_bind (self);
      return;
    }
    /* <enable/> refused: go on without stream management. */
    self->sm_enabled = FALSE;
    self->sm_counting_in = FALSE;
    self->sm_resumable = FALSE;
    return;
  }
}

/* ---- dispatch ----------------------------------------------------------- */

static void
handle_stream_error (JaXmppStream *self, const JaXmlNode *node)
{
  const char *cond = "undefined-condition";
  const char *text = NULL;
  int code = JA_XMPP_STREAM_ERROR_STREAM;

  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    JaXmlNode *c = ja_xml_node_get_child (node, i);

    if (g_strcmp0 (c->ns, JA_NS_STREAM_ERRORS) != 0)
      continue;
    if (g_str_equal (c->name, "text"))
      text = ja_xml_node_get_text (c);
    else
      cond = c->name;
  }
  if (self->state == ST_SASL && g_str_equal (cond, "not-authorized"))
    code = JA_XMPP_STREAM_ERROR_AUTH;
  fatal (self, code, "%s sent a stream error: %s%s%s",
      ja_xmpp_stream_peer_name (self), cond,
      text ? " — " : "", text ? text : "");
}

void
ja_xmpp_stream_handle_nonza (JaXmppStream *self, const JaXmlNode *node)
{
  const char *ns = node->ns ? node->ns : "";

  if (g_str_equal (ns, JA_NS_STREAMS)) {
    if (g_str_equal (node->name, "error"))
      handle_stream_error (self, node);
    else if (g_str_equal (node->name, "features"))
      handle_features (self, node);
    return;
  }
  if (g_str_equal (ns, JA_NS_TLS)) {
    if (self->state == ST_STARTTLS && g_str_equal (node->name, "proceed")) {
      self->restart = RESTART_TLS;
      ja_xml_stream_parser_stop (self->parser);
      return;
    }
    fatal (self, JA_XMPP_STREAM_ERROR_TLS, "%s refused STARTTLS",
        self->domain);
    return;
  }
  if (g_str_equal (ns, JA_NS_SASL)) {
    handle_sasl (self, node);
    return;
  }
  if (g_str_equal (ns, JA_NS_SM)) {
    handle_sm (self, node);
    return;
  }
  /* RFC 6120 §8.4: unknown top-level elements are a stream error. */
  ja_xmpp_stream_send_stream_error (self, "unsupported-stanza-type", NULL);
  fatal (self, JA_XMPP_STREAM_ERROR_PROTOCOL,
      "unsupported top-level element <%s xmlns='%s'/>", node->name, ns);
}
