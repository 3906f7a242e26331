/* ja-agent.c — JaAgent: one account as a Jingle endpoint. Owns the Jingle
 * manager (and through it the signalling over the stream), the registry
 * with every plugin (plugins.c), the per-stream IBB manager (dropped in
 * ja_agent_shutdown to break its cycle with the stream), the policy on
 * incoming file offers (who, how large, where), the files we hand out on
 * request (XEP-0234 §Requesting a File) and the presence dance that lets
 * peers without a roster subscription find each other: the sender sends
 * directed presence to the bare JID (RFC 6121 §4.6), a receiver answers
 * allowed senders with directed presence carrying caps (XEP-0115), and the
 * sender asks each answering resource for disco#info (XEP-0030). */
#include "agent/ja-agent.h"

#include "agent/ja-agent-calls.h"

#include "plugins/file-transfer/ft-app.h"
#include "plugins/file-transfer/ft-writer.h"
#include "plugins/ibb/ibb-transport.h"
#include "plugins/plugins.h"
#include "signalling/jingle/jingle-signalling.h"
#include "signalling/xmpp/jid.h"
#include "signalling/xmpp/ns.h"

/* Answer one peer's presence at most this often: two agents that both
 * answer presence must not ping-pong. */
#define ANSWER_INTERVAL_US (5 * G_USEC_PER_SEC)
#define FIND_RESEND_MS 1500
#define CAPS_NODE "https://jingle-agent.invalid/caps"

struct _JaAgent {
  GObject parent;

  JaXmppStream *stream;
  JaJingleRegistry *registry;
  JaJingleManager *manager;
  GPtrArray *allowed;          /* char* JIDs */
  gboolean answer_presence;
  GHashTable *answered;        /* full JID → gint64* last answer time */
  guint presence_handler;
  char *receive_dir;           /* NULL: decline offers */
  guint64 max_size;
  GPtrArray *served;           /* Served*: what requests may get */
  GPtrArray *sessions;         /* JaJingleSession*: incoming, until ended */
  JaAgentCalls *calls;         /* the answering side of calls */
};

/* One file we hand out on request. */
typedef struct {
  char *path;
  char *name;
  guint64 size;
  JaFtHashList hashes;
} Served;

static void
served_free (gpointer data)
{
  Served *sv = data;

  g_free (sv->path);
  g_free (sv->name);
  g_free (sv);
}

G_DEFINE_FINAL_TYPE (JaAgent, ja_agent, G_TYPE_OBJECT)

enum { TRANSFER_OFFERED, TRANSFER_DECLINED, TRANSFER_REQUESTED,
  CALL_INCOMING, CALL_DECLINED, CALL_MISSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static JaXmlNode *
build_presence (JaAgent *self, const char *to)
{
  JaXmlNode *pres = ja_xml_node_new ("presence", JA_NS_CLIENT);
  JaXmlNode *c = ja_xml_node_add_new (pres, "c", JA_NS_CAPS);

  ja_xml_node_set_attr (pres, "to", to);
  ja_xml_node_set_attr (c, "hash", "sha-1");
  ja_xml_node_set_attr (c, "node", CAPS_NODE);
  ja_xml_node_set_attr (c, "ver", ja_xmpp_stream_get_caps_ver (self->stream));
  return pres;
}

static void peer_gone (JaAgent *self, const char *full_jid);

static gboolean
presence_cb (const JaXmlNode *stanza, gpointer user_data)
{
  JaAgent *self = user_data;
  const char *from = ja_xml_node_get_attr (stanza, "from");
  const char *own = ja_xmpp_stream_get_bound_jid (self->stream);
  g_autoptr (JaJid) jid = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 *last;

  if (from != NULL && g_strcmp0 (ja_xml_node_get_attr (stanza, "type"),
          "unavailable") == 0) {
    peer_gone (self, from);
    return FALSE;
  }
  if (!self->answer_presence || from == NULL
      || ja_xml_node_get_attr (stanza, "type") != NULL
      || g_strcmp0 (from, own) == 0)
    return FALSE;
  jid = ja_jid_parse (from, NULL);
  if (jid == NULL || jid->resource == NULL || !ja_agent_is_allowed (self, from))
    return FALSE;
  last = g_hash_table_lookup (self->answered, from);
  if (last != NULL && now - *last < ANSWER_INTERVAL_US)
    return FALSE;
  if (last == NULL) {
    /* Bounded by the allowed peers' resources that ever wrote to us. */
    last = g_new (gint64, 1);
    g_hash_table_replace (self->answered, g_strdup (from), last);
  }
  *last = now;
  g_debug ("agent: answering %s's presence", from);
  ja_xmpp_stream_send (self->stream, build_presence (self, from));
  return FALSE;
}

/* ---- incoming offers ---------------------------------------------------- */

static void
session_ended_cb (JaJingleSession *session, guint reason, const char *text,
    gboolean by_peer, gpointer user_data)
{
  JaAgent *self = user_data;

  g_signal_handlers_disconnect_by_data (session, self);
  g_ptr_array_remove (self->sessions, session);
}

/* The peer's resource went offline (RFC 6121 §4.5.3: its server sends
 * unavailable presence to those it sent directed presence to): its
 * sessions cannot go on, and ending them now (rather than after the idle
 * timeout) lets a resent offer resume the kept part at once. */
static void
peer_gone (JaAgent *self, const char *full_jid)
{
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (
      g_object_unref);

  for (guint i = 0; i < self->sessions->len; i++) {
    JaJingleSession *s = g_ptr_array_index (self->sessions, i);

    if (g_strcmp0 (ja_jingle_session_get_peer (s), full_jid) == 0)
      g_ptr_array_add (gone, g_object_ref (s));
  }
  for (guint i = 0; i < gone->len; i++) {
    g_info ("agent: %s went offline: ending its session", full_jid);
    ja_jingle_session_terminate (g_ptr_array_index (gone, i),
        JA_JINGLE_REASON_CONNECTIVITY_ERROR, "the peer went offline");
  }
}

static void
decline (JaAgent *self, JaJingleSession *session, const char *why)
{
  g_info ("agent: declining %s's offer: %s",
      ja_jingle_session_get_peer (session), why);
  g_signal_emit (self, signals[TRANSFER_DECLINED], 0,
      ja_jingle_session_get_peer (session), why);
  ja_jingle_session_terminate (session, JA_JINGLE_REASON_DECLINE, why);
}

/* Policy on one file: NULL to take it, else why not (transfer full).
 * reserve: the bytes of the session's other files checked before it (they
 * are written at the same time, so the free space must hold them all). */
static char *
check_offer (JaAgent *self, JaFtTransfer *t, guint64 reserve)
{
  const JaFtFile *file = ja_ft_transfer_get_file (t);
  g_autoptr (GError) error = NULL;
  guint64 need;

  if (!file->has_size && self->max_size > 0)
    return g_strdup ("the offer has no size");
  /* The limit is on the file; a resumed one needs room for the rest. */
  need = file->has_size ? file->size - ja_ft_transfer_get_resumed_from (t)
      : 0;
  if ((self->max_size > 0 && file->has_size && file->size > self->max_size
          && !ja_ft_check_space (self->receive_dir, file->size,
              self->max_size, reserve, &error))
      || !ja_ft_check_space (self->receive_dir, need, self->max_size,
          reserve, &error))
    return g_strdup (error->message);
  return NULL;
}

/* Offers (one per content; a session may carry several files): FALSE after
 * declining the whole session, before a byte moves, when any one file is
 * refused. XEP-0166 has no per-content answer to a session-initiate
 * (content-reject only answers content-add), so all or nothing. */
static gboolean
check_offers (JaAgent *self, JaJingleSession *session, GPtrArray *offers)
{
  guint64 reserve = 0;

  if (self->receive_dir == NULL) {
    decline (self, session, "not accepting files");
    return FALSE;
  }
  if (!ja_agent_is_allowed (self, ja_jingle_session_get_peer (session))) {
    decline (self, session, "sender not allowed");
    return FALSE;
  }
  for (guint i = 0; i < offers->len; i++) {
    JaFtTransfer *t = g_ptr_array_index (offers, i);
    const JaFtFile *file = ja_ft_transfer_get_file (t);
    g_autofree char *why = NULL;
    guint64 need;

    /* An unfinished NAME.part of the same file: answer with a range. */
    ja_ft_transfer_set_download_dir (t, self->receive_dir);
    ja_ft_transfer_find_resume (t);
    why = check_offer (self, t, reserve);
    if (why != NULL) {
      decline (self, session, why);
      return FALSE;
    }
    need = file->has_size ? file->size - ja_ft_transfer_get_resumed_from (t)
        : 0;
    if (reserve <= G_MAXUINT64 - need)
      reserve += need;
  }
  return TRUE;
}

/* The served file a request's selector names: its name (if given) and
 * every hash value it gives must match; a hash of an algorithm we did not
 * compute matches nothing. */
static const Served *
find_served (JaAgent *self, const JaFtFile *sel)
{
  for (guint i = 0; i < self->served->len; i++) {
    const Served *sv = g_ptr_array_index (self->served, i);
    gboolean match = sel->name == NULL || g_str_equal (sel->name, sv->name);

    for (guint h = 0; match && h < sel->hashes.n; h++) {
      const JaFtHash *want = &sel->hashes.items[h];
      const JaFtHash *have = ja_ft_hash_list_find (&sv->hashes, want->algo);

      if (want->len > 0)
        match = have != NULL && ja_ft_hash_equal (have, want);
    }
    if (match)
      return sv;
  }
  return NULL;
}

/* Requests: each is given its file, or the session ends with
 * failed-application (XEP-0234 §File not Available), the same answer for
 * a peer not allowed, which learns nothing. FALSE after refusing. */
static gboolean
check_requests (JaAgent *self, JaJingleSession *session, GPtrArray *requests)
{
  const char *peer = ja_jingle_session_get_peer (session);
  gboolean allowed = ja_agent_is_allowed (self, peer);

  for (guint i = 0; i < requests->len; i++) {
    JaFtTransfer *t = g_ptr_array_index (requests, i);
    const JaFtFile *sel = ja_ft_transfer_get_file (t);
    const Served *sv = allowed ? find_served (self, sel) : NULL;
    g_autofree char *why = NULL;
    JaFtOffer offer = { 0 };

    if (sv == NULL) {
      why = g_strdup_printf ("request for '%s': %s", sel->name ? sel->name
          : "a file by hash", allowed ? "file not served"
          : "requester not allowed");
      g_info ("agent: refusing %s's %s", peer, why);
      g_signal_emit (self, signals[TRANSFER_DECLINED], 0, peer, why);
      ja_jingle_session_terminate (session,
          JA_JINGLE_REASON_FAILED_APPLICATION, "file not available");
      return FALSE;
    }
    offer.path = sv->path;
    offer.name = sv->name;
    offer.size = sv->size;
    offer.hashes = &sv->hashes;
    ja_ft_transfer_serve (t, &offer);
  }
  return TRUE;
}

static void
incoming_session_cb (JaJingleManager *manager, JaJingleSession *session,
    gpointer user_data)
{
  JaAgent *self = user_data;
  const char *peer = ja_jingle_session_get_peer (session);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) offers = g_ptr_array_new ();
  g_autoptr (GPtrArray) requests = g_ptr_array_new ();

  if (self->calls != NULL && ja_agent_calls_is_call (session)) {
    ja_agent_calls_take_session (self->calls, session);
    return;
  }
  for (guint i = 0; i < ja_jingle_session_get_n_contents (session); i++) {
    JaJingleContent *c = ja_jingle_session_get_content (session, i);
    JaFtTransfer *t = ja_ft_app_get_transfer (ja_jingle_content_get_app (c));

    if (t == NULL) {
      ja_jingle_session_terminate (session,
          JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS, NULL);
      return;
    }
    g_ptr_array_add (ja_ft_transfer_is_request (t) ? requests : offers, t);
  }
  if ((offers->len > 0 && !check_offers (self, session, offers))
      || (requests->len > 0 && !check_requests (self, session, requests)))
    return;
  if (ja_jingle_session_get_state (session) != JA_JINGLE_STATE_ENDED) {
    g_ptr_array_add (self->sessions, g_object_ref (session));
    g_signal_connect (session, "terminated", G_CALLBACK (session_ended_cb),
        self);
  }
  for (guint i = 0; i < offers->len; i++)
    g_signal_emit (self, signals[TRANSFER_OFFERED], 0,
        g_ptr_array_index (offers, i), peer);
  for (guint i = 0; i < requests->len; i++)
    g_signal_emit (self, signals[TRANSFER_REQUESTED], 0,
        g_ptr_array_index (requests, i), peer);
  if (ja_jingle_session_get_state (session) == JA_JINGLE_STATE_PENDING
      && !ja_jingle_session_accept (session, &error))
    g_info ("agent: cannot accept %s's session: %s", peer, error->message);
}

void
ja_agent_serve_file (JaAgent *self, const char *path, const char *name,
    guint64 size, const JaFtHashList *hashes)
{
  Served *sv = g_new0 (Served, 1);

  g_return_if_fail (path != NULL && hashes != NULL);
  sv->path = g_strdup (path);
  sv->name = name != NULL ? g_strdup (name) : g_path_get_basename (path);
  sv->size = size;
  sv->hashes = *hashes;
  g_ptr_array_add (self->served, sv);
}

void
ja_agent_set_receive_dir (JaAgent *self, const char *dir, guint64 max_size)
{
  g_free (self->receive_dir);
  self->receive_dir = g_strdup (dir);
  self->max_size = max_size;
}

JaAgent *
ja_agent_new (JaXmppStream *stream)
{
  JaAgent *self = g_object_new (JA_TYPE_AGENT, NULL);

  self->stream = g_object_ref (stream);
  self->registry = ja_jingle_registry_new ();
  ja_plugins_register_all (self->registry);
  ja_ibb_transport_ensure_manager (stream);
  self->manager = ja_jingle_manager_new (
      ja_jingle_signalling_new_for_stream (stream), self->registry);
  self->presence_handler = ja_xmpp_stream_add_stanza_handler (stream,
      "presence", NULL, presence_cb, self);
  g_signal_connect (self->manager, "incoming-session",
      G_CALLBACK (incoming_session_cb), self);
  self->calls = ja_agent_calls_new (self);
  return self;
}

void
ja_agent_set_call_answer (JaAgent *self, gboolean answer, guint delay_ms)
{
  if (self->calls != NULL)
    ja_agent_calls_set_answer (self->calls, answer, delay_ms);
}

void
ja_agent_set_max_calls (JaAgent *self, guint max_calls)
{
  if (self->calls != NULL)
    ja_agent_calls_set_max (self->calls, max_calls);
}

JaXmppStream *
ja_agent_get_stream (JaAgent *self)
{
  return self->stream;
}

JaJingleManager *
ja_agent_get_manager (JaAgent *self)
{
  return self->manager;
}

void
ja_agent_allow (JaAgent *self, const char *jid)
{
  g_ptr_array_add (self->allowed, g_strdup (jid));
}

gboolean
ja_agent_is_allowed (JaAgent *self, const char *full_jid)
{
  g_autoptr (JaJid) peer = ja_jid_parse (full_jid, NULL);
  const char *own = ja_xmpp_stream_get_bound_jid (self->stream);

  if (peer == NULL)
    return FALSE;
  /* Our own account's other resources (not on a serverless stream: there
   * a name is only what the peer claims, and ours proves nothing). */
  if (own != NULL && !ja_xmpp_stream_is_direct (self->stream)
      && ja_jid_string_bare_equal (own, full_jid))
    return TRUE;
  for (guint i = 0; i < self->allowed->len; i++) {
    g_autoptr (JaJid) rule = ja_jid_parse (g_ptr_array_index (self->allowed,
            i), NULL);

    if (rule == NULL)
      continue;
    if (rule->resource == NULL ? ja_jid_bare_equal (rule, peer)
        : ja_jid_equal (rule, peer))
      return TRUE;
  }
  return FALSE;
}

void
ja_agent_set_answer_presence (JaAgent *self, gboolean answer)
{
  self->answer_presence = answer;
}

/* ---- finding a peer's resource ------------------------------------------ */

typedef struct {
  JaAgent *agent;              /* unowned: the task holds it */
  char *bare;
  guint handler;
  guint timeout_id;
  guint resend_id;
  GHashTable *asked;
  gboolean done;
  char **required;             /* features the resource must list */
  char *what;                  /* for the timeout message */
} Find;

typedef struct {
  char *jid;
  char **features;
} Found;

static void
found_free (gpointer data)
{
  Found *fd = data;

  g_free (fd->jid);
  g_strfreev (fd->features);
  g_free (fd);
}

static void
find_free (gpointer data)
{
  Find *f = data;

  g_free (f->bare);
  g_hash_table_unref (f->asked);
  g_strfreev (f->required);
  g_free (f->what);
  g_free (f);
}

static void
find_stop (Find *f)
{
  f->done = TRUE;
  g_clear_handle_id (&f->timeout_id, g_source_remove);
  g_clear_handle_id (&f->resend_id, g_source_remove);
  if (f->handler != 0) {
    ja_xmpp_stream_remove_handler (f->agent->stream, f->handler);
    f->handler = 0;
  }
}

static gboolean
has_feature (const JaXmlNode *query, const char *var)
{
  for (guint i = 0; i < ja_xml_node_get_n_children (query); i++) {
    const JaXmlNode *c = ja_xml_node_get_child (query, i);

    if (ja_xml_node_is (c, "feature", JA_NS_DISCO_INFO)
        && g_strcmp0 (ja_xml_node_get_attr (c, "var"), var) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
disco_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Find *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = ja_xmpp_stream_iq_finish (
      JA_XMPP_STREAM (source), res, &error);
  const JaXmlNode *query;

  if (f->done || reply == NULL)
    return;
  query = ja_xml_node_find (reply, "query", JA_NS_DISCO_INFO);
  if (query == NULL)
    return;
  for (guint i = 0; f->required[i] != NULL; i++)
    if (!has_feature (query, f->required[i]))
      return;
  find_stop (f);
  {
    Found *fd = g_new0 (Found, 1);
    GPtrArray *all = g_ptr_array_new ();

    fd->jid = g_strdup (ja_xml_node_get_attr (reply, "from"));
    for (guint i = 0; i < ja_xml_node_get_n_children (query); i++) {
      const JaXmlNode *c = ja_xml_node_get_child (query, i);

      if (ja_xml_node_is (c, "feature", JA_NS_DISCO_INFO)
          && ja_xml_node_get_attr (c, "var") != NULL)
        g_ptr_array_add (all, g_strdup (ja_xml_node_get_attr (c, "var")));
    }
    g_ptr_array_add (all, NULL);
    fd->features = (char **) g_ptr_array_free (all, FALSE);
    g_task_return_pointer (task, fd, found_free);
  }
  g_object_unref (task);   /* the reference of the search itself */
}

static gboolean
find_presence_cb (const JaXmlNode *stanza, gpointer user_data)
{
  GTask *task = user_data;
  Find *f = g_task_get_task_data (task);
  const char *from = ja_xml_node_get_attr (stanza, "from");
  g_autoptr (JaJid) jid = NULL;
  JaXmlNode *iq;

  if (f->done || from == NULL || ja_xml_node_get_attr (stanza, "type") != NULL)
    return FALSE;
  jid = ja_jid_parse (from, NULL);
  if (jid == NULL || jid->resource == NULL
      || !ja_jid_string_bare_equal (from, f->bare)
      || g_strcmp0 (from, ja_xmpp_stream_get_bound_jid (f->agent->stream)) == 0
      || g_hash_table_contains (f->asked, from)
      || g_hash_table_size (f->asked) >= 64)
    return FALSE;
  g_hash_table_add (f->asked, g_strdup (from));
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "get");
  ja_xml_node_set_attr (iq, "to", from);
  ja_xml_node_add_new (iq, "query", JA_NS_DISCO_INFO);
  ja_xmpp_stream_iq_async (f->agent->stream, iq, NULL, disco_cb,
      g_object_ref (task));
  return FALSE;
}

static gboolean
find_resend_cb (gpointer user_data)
{
  Find *f = g_task_get_task_data (G_TASK (user_data));

  ja_xmpp_stream_send (f->agent->stream, build_presence (f->agent, f->bare));
  return G_SOURCE_CONTINUE;
}

static gboolean
find_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Find *f = g_task_get_task_data (task);

  f->timeout_id = 0;
  find_stop (f);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "%s is unreachable: no resource of it that does %s answered (is %s "
      "running that allows us?)", f->bare, f->what,
      g_str_has_prefix (f->what, "Jingle file") ? "a receiver"
      : "an answering agent");
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
ja_agent_find_peer_with_async (JaAgent *self, const char *bare_jid,
    const char *const *features, const char *what, guint timeout_ms,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Find *f = g_new0 (Find, 1);

  f->agent = self;
  f->bare = g_strdup (bare_jid);
  f->required = g_strdupv ((char **) features);
  f->what = g_strdup (what);
  f->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, f, find_free);
  /* The task's own reference is dropped by whichever ends it. */
  f->handler = ja_xmpp_stream_add_stanza_handler (self->stream, "presence",
      NULL, find_presence_cb, task);
  f->timeout_id = g_timeout_add (timeout_ms, find_timeout_cb, task);
  f->resend_id = g_timeout_add (FIND_RESEND_MS, find_resend_cb, task);
  ja_xmpp_stream_send (self->stream, build_presence (self, bare_jid));
}

char *
ja_agent_find_peer_with_finish (JaAgent *self, GAsyncResult *res,
    char ***features, GError **error)
{
  Found *fd = g_task_propagate_pointer (G_TASK (res), error);
  char *jid;

  if (fd == NULL)
    return NULL;
  jid = g_steal_pointer (&fd->jid);
  if (features != NULL)
    *features = g_steal_pointer (&fd->features);
  found_free (fd);
  return jid;
}

void
ja_agent_find_peer_async (JaAgent *self, const char *bare_jid,
    guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  static const char *const ft[] = { JA_NS_JINGLE_FT, JA_NS_JINGLE_IBB, NULL };

  ja_agent_find_peer_with_async (self, bare_jid, ft, "Jingle file transfer",
      timeout_ms, cancellable, callback, user_data);
}

char *
ja_agent_find_peer_finish (JaAgent *self, GAsyncResult *res, GError **error)
{
  return ja_agent_find_peer_with_finish (self, res, NULL, error);
}

void
ja_agent_shutdown (JaAgent *self)
{
  g_clear_pointer (&self->calls, ja_agent_calls_free);
  if (self->presence_handler != 0) {
    ja_xmpp_stream_remove_handler (self->stream, self->presence_handler);
    self->presence_handler = 0;
  }
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  for (guint i = 0; self->sessions != NULL && i < self->sessions->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->sessions,
            i), self);
  if (self->sessions != NULL)
    g_ptr_array_set_size (self->sessions, 0);
  g_clear_object (&self->manager);
  if (self->stream != NULL)
    ja_ibb_transport_drop_manager (self->stream);
}

/* ---- GObject ------------------------------------------------------------ */

static void
ja_agent_dispose (GObject *object)
{
  JaAgent *self = JA_AGENT (object);

  ja_agent_shutdown (self);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (ja_agent_parent_class)->dispose (object);
}

static void
ja_agent_finalize (GObject *object)
{
  JaAgent *self = JA_AGENT (object);

  g_clear_pointer (&self->registry, ja_jingle_registry_unref);
  g_ptr_array_unref (self->allowed);
  g_hash_table_unref (self->answered);
  g_free (self->receive_dir);
  g_ptr_array_unref (self->served);
  g_ptr_array_unref (self->sessions);
  G_OBJECT_CLASS (ja_agent_parent_class)->finalize (object);
}

static void
ja_agent_class_init (JaAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ja_agent_dispose;
  object_class->finalize = ja_agent_finalize;
  signals[TRANSFER_OFFERED] = g_signal_new ("transfer-offered",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, JA_TYPE_FT_TRANSFER, G_TYPE_STRING);
  signals[TRANSFER_DECLINED] = g_signal_new ("transfer-declined",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[TRANSFER_REQUESTED] = g_signal_new ("transfer-requested",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, JA_TYPE_FT_TRANSFER, G_TYPE_STRING);
  signals[CALL_INCOMING] = g_signal_new ("call-incoming",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[CALL_DECLINED] = g_signal_new ("call-declined",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[CALL_MISSED] = g_signal_new ("call-missed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
ja_agent_init (JaAgent *self)
{
  self->allowed = g_ptr_array_new_with_free_func (g_free);
  self->served = g_ptr_array_new_with_free_func (served_free);
  self->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  self->answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
}
