/* fuzz-jingle-session.c — libFuzzer target for the Jingle engine's state
 * machine (signalling/jingle: manager, sessions, contents) as a peer drives
 * it: the input is a program of operations run against one manager on the
 * unit tests' fake signalling and fake application/transport kinds
 * (tests/unit/jingle/jingle-test-fakes.c, jingle-test-kinds.c):
 *
 *   0x00-0x3f  the peer sends a Jingle IQ built from the next bytes (action,
 *              sid, sender, attributes, up to 3 contents with creator, name,
 *              application, transport, senders and the fake kinds' knobs,
 *              and a session-level payload): the actions and values XEP-0166
 *              knows plus wrong ones, so that every state meets every action
 *   0x40-0x5f  the peer sends raw XML: a 2-byte length, then the text
 *   0x60-0x7f  the peer answers our oldest unanswered IQ: result, or one of
 *              four stanza errors
 *   0x80-0xbf  we act on one of the sessions we hold: accept, terminate,
 *              add/accept/reject/remove/modify a content, session-info
 *   0xc0-0xdf  we start a session (sid o<N>) with 1 or 2 contents
 *   0xe0-0xff  the main context runs what is due (idles)
 *
 * Oracles: every IQ request of the peer is answered exactly once, and the
 * answer is the first stanza that goes out after it (XEP-0166 §6.3.1: ack
 * first, then act); no g_warning or g_critical; ASan/UBSan clean, no leak
 * once the manager is gone. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/jingle/jingle-manager.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/ns.h"
#include "tests/unit/jingle/jingle-test-fakes.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_HELD 4

typedef struct {
  const uint8_t *p, *end;
} Input;

typedef struct {
  FakeSignalling *fake;
  JaJingleManager *manager;
  JaJingleSession *held[MAX_HELD];   /* refs; the newest replace the oldest */
  guint n_held, next_held;
  GQueue ours;                       /* ids of our IQ sets not answered */
  guint outgoing, delivered;
} State;

static guint8
next (Input *in)
{
  return in->p < in->end ? *in->p++ : 0;
}

static const char *
pick (Input *in, const char *const *table, gsize n)
{
  return table[next (in) % n];
}
#define PICK(in, table) pick ((in), (table), G_N_ELEMENTS (table))

static void
hold (State *st, JaJingleSession *s)
{
  if (st->n_held < MAX_HELD) {
    st->held[st->n_held++] = g_object_ref (s);
    return;
  }
  g_object_unref (st->held[st->next_held]);
  st->held[st->next_held] = g_object_ref (s);
  st->next_held = (st->next_held + 1) % MAX_HELD;
}

static void
incoming_cb (JaJingleManager *m, JaJingleSession *s, State *st)
{
  hold (st, s);
}

/* Moves what we sent off the fake: our IQ sets wait for an answer op. */
static void
drain (State *st)
{
  JaXmlNode *n;

  while ((n = fake_pop (st->fake)) != NULL) {
    if (g_strcmp0 (ja_xml_node_get_attr (n, "type"), "set") == 0)
      g_queue_push_tail (&st->ours,
          g_strdup (ja_xml_node_get_attr (n, "id")));
    ja_xml_node_free (n);
  }
}

/* The peer's request reaches the engine: it must be answered at once,
 * before anything else goes out, and once. */
static void
deliver (State *st, JaXmlNode *iq)
{
  g_autofree char *id = g_strdup_printf ("p%u", ++st->delivered);
  g_autoptr (JaXmlNode) reply = NULL;
  const char *type;

  drain (st);
  ja_xml_node_set_attr (iq, "id", id);
  fake_deliver_node (st->fake, iq);
  reply = fake_pop (st->fake);
  g_assert (reply != NULL);
  g_assert_cmpstr (reply->name, ==, "iq");
  g_assert_cmpstr (ja_xml_node_get_attr (reply, "id"), ==, id);
  type = ja_xml_node_get_attr (reply, "type");
  g_assert (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0);
  drain (st);   /* what it caused: none of it may answer id again */
}

static void
stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  GPtrArray *out = user_data;

  g_ptr_array_add (out, stanza);
}

/* Every element of text (the children of a wrapper) as the peer's IQ: a
 * non-IQ is what the stream would not route here, so it is dropped. */
static void
deliver_text (State *st, const char *text, gsize len)
{
  static const JaXmlStreamCallbacks cbs = { .stanza = stanza_cb };
  static const char open[] = "<w xmlns='jabber:client'>";
  static const char close[] = "</w>";
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  JaXmlStreamParser *parser = ja_xml_stream_parser_new (NULL, &cbs, nodes);

  ja_xml_stream_parser_set_require_stream_header (parser, FALSE);
  if (ja_xml_stream_parser_feed (parser, open, strlen (open), NULL)
      && ja_xml_stream_parser_feed (parser, text, len, NULL))
    ja_xml_stream_parser_feed (parser, close, strlen (close), NULL);
  ja_xml_stream_parser_free (parser);
  for (guint i = 0; i < nodes->len; i++) {
    JaXmlNode *iq = g_ptr_array_index (nodes, i);

    /* The stream routes an IQ to this handler only by its <jingle/>. */
    if (g_strcmp0 (iq->name, "iq") == 0 && g_strcmp0 (iq->ns, JA_NS_CLIENT) == 0
        && ja_xml_node_find (iq, "jingle", JA_NS_JINGLE) != NULL)
      deliver (st, iq);
  }
}

static const char *const actions[] = {
  "session-initiate", "session-accept", "session-terminate", "session-info",
  "content-add", "content-accept", "content-reject", "content-remove",
  "content-modify", "transport-info", "transport-replace", "transport-accept",
  "transport-reject", "description-info", "security-info", "bogus", "",
};
static const char *const froms[] = {
  FAKE_PEER, FAKE_PEER, "juliet@capulet.lit/other", "juliet@capulet.lit",
  FAKE_OWN, "capulet.lit", "@@bad", NULL,
};
static const char *const parties[] = {
  NULL, FAKE_PEER, FAKE_OWN, "juliet@capulet.lit/other", "not a jid@",
};
static const char *const creators[] = {
  "initiator", "responder", NULL, "both",
};
static const char *const names[] = { "c1", "c2", "c3", "", "c1" };
static const char *const apps[] = {
  FAKE_NS_APP, FAKE_NS_APP, FAKE_NS_APP_DGRAM, "urn:example:unknown", NULL,
};
static const char *const transports[] = {
  FAKE_NS_TP_HIGH, FAKE_NS_TP_LOW, FAKE_NS_TP_DGRAM, "urn:example:unknown",
  NULL,
};
static const char *const senders[] = {
  NULL, "both", "initiator", "responder", "none", "everyone",
};
static const char *const knobs[] = {
  "", "", " bad='1'", " fail='1'",
};
static const char *const payloads[] = {
  "", "<reason><success/></reason>",
  "<reason><failed-transport/><text>x</text></reason>",
  "<reason><nonsense/></reason>", "<reason/>",
  "<ringing xmlns='" FAKE_NS_INFO "'/>", "<ringing xmlns='urn:example:x'/>",
  ("<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>"
      "<content name='c1'/><content name='c2'/></group>"),
  "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'/>",
};

static void
append_attr (GString *s, const char *name, const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_markup_escape_text (value, -1);
  g_string_append_printf (s, " %s='%s'", name, escaped);
}

static char *
sid_for (State *st, Input *in)
{
  guint8 b = next (in);

  /* Ours (o1, o2...) as often as the peer's own. */
  if (b & 1)
    return g_strdup_printf ("o%u", st->outgoing > 0
        ? 1 + (b >> 1) % st->outgoing : 1);
  return g_strdup_printf ("s%u", (b >> 1) % 3);
}

static void
op_structured (State *st, Input *in)
{
  g_autoptr (GString) s = g_string_new ("<iq");
  g_autofree char *sid = NULL;
  const char *action = PICK (in, actions);
  guint8 flags = next (in);
  guint n_contents = next (in) % 4;

  append_attr (s, "type", flags & 0x80 ? "get" : "set");
  append_attr (s, "from", PICK (in, froms));
  append_attr (s, "to", FAKE_OWN);
  g_string_append (s, "><jingle xmlns='" JA_NS_JINGLE "'");
  append_attr (s, "action", action);
  if (!(flags & 1)) {
    sid = sid_for (st, in);
    append_attr (s, "sid", sid);
  }
  append_attr (s, "initiator", PICK (in, parties));
  append_attr (s, "responder", PICK (in, parties));
  g_string_append (s, ">");
  for (guint i = 0; i < n_contents; i++) {
    const char *app = PICK (in, apps);
    const char *tp = PICK (in, transports);
    guint8 k = next (in);

    g_string_append (s, "<content");
    append_attr (s, "creator", PICK (in, creators));
    append_attr (s, "name", PICK (in, names));
    append_attr (s, "senders", PICK (in, senders));
    g_string_append (s, ">");
    if (app != NULL)
      g_string_append_printf (s, "<description xmlns='%s'%s/>", app,
          knobs[k % 4]);
    if (tp != NULL)
      g_string_append_printf (s, "<transport xmlns='%s'%s/>", tp,
          knobs[(k >> 2) % 4]);
    g_string_append (s, "</content>");
  }
  g_string_append (s, PICK (in, payloads));
  g_string_append (s, "</jingle></iq>");
  deliver_text (st, s->str, s->len);
}

static void
op_raw (State *st, Input *in)
{
  gsize len = next (in) << 8;

  len |= next (in);
  len = MIN (len, (gsize) (in->end - in->p));
  deliver_text (st, (const char *) in->p, len);
  in->p += len;
}

static const char *const conditions[] = {
  NULL, "service-unavailable", "item-not-found", "feature-not-implemented",
  "unexpected-request",
};

static void
op_answer (State *st, Input *in)
{
  g_autofree char *id = NULL;
  const char *condition = PICK (in, conditions);

  drain (st);
  id = g_queue_pop_head (&st->ours);
  if (id != NULL)
    fake_answer (st->fake, id, condition);
}

static JaJingleContent *
content_of (JaJingleSession *s, Input *in)
{
  guint n = ja_jingle_session_get_n_contents (s);
  guint8 i = next (in);

  return n > 0 ? ja_jingle_session_get_content (s, i % n) : NULL;
}

static void
op_local (State *st, Input *in, guint8 op)
{
  g_autoptr (GError) error = NULL;
  JaJingleSession *s;
  JaJingleContent *c;
  JaJingleAppOptions opts = { 0 };

  if (st->n_held == 0)
    return;
  s = st->held[next (in) % st->n_held];
  switch (op % 9) {
  case 0:
    ja_jingle_session_accept (s, &error);
    break;
  case 1:
    ja_jingle_session_terminate (s, next (in) % JA_JINGLE_N_REASONS,
        next (in) & 1 ? "bye" : NULL);
    break;
  case 2:
    opts.senders = next (in) % 4;
    ja_jingle_session_add_content (s, PICK (in, names), pick (in, apps, 4) /* not NULL */,
        next (in) & 1 ? NULL : PICK (in, transports), &opts, &error);
    break;
  case 3:
    if ((c = content_of (s, in)) != NULL)
      ja_jingle_session_accept_content (s, c, &error);
    break;
  case 4:
    if ((c = content_of (s, in)) != NULL)
      ja_jingle_session_reject_content (s, c,
          next (in) % JA_JINGLE_N_REASONS, &error);
    break;
  case 5:
    if ((c = content_of (s, in)) != NULL)
      ja_jingle_session_remove_content (s, c,
          next (in) % JA_JINGLE_N_REASONS, &error);
    break;
  case 6:
    if ((c = content_of (s, in)) != NULL)
      ja_jingle_session_modify_content (s, c, next (in) % 4, &error);
    break;
  case 7:
    ja_jingle_session_send_info (s, next (in) & 1 ? NULL
        : ja_xml_node_new ("ringing", FAKE_NS_INFO), &error);
    break;
  default:
    ja_jingle_session_terminate_later (s, JA_JINGLE_REASON_GONE, NULL);
    break;
  }
}

static void
op_start (State *st, Input *in)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sid = g_strdup_printf ("o%u", st->outgoing + 1);
  g_autoptr (JaJingleSession) s = NULL;
  guint8 b = next (in);

  s = ja_jingle_manager_new_session_with_sid (st->manager, FAKE_PEER, sid,
      &error);
  if (s == NULL)
    return;
  st->outgoing++;
  hold (st, s);
  for (guint i = 0; i <= (b & 1); i++)
    ja_jingle_session_add_content (s, i == 0 ? "c1" : "c2",
        b & 2 ? FAKE_NS_APP_DGRAM : FAKE_NS_APP, NULL, NULL, NULL);
  if (!(b & 4))
    ja_jingle_session_initiate (s, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  Input in = { data, data + size };
  State st = { 0 };
  g_autoptr (JaJingleRegistry) reg = NULL;
  guint steps = 0;

  if (!once) { /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  reg = fake_registry_new ();
  st.fake = fake_signalling_new ();
  st.manager = ja_jingle_manager_new (fake_signalling_base (st.fake), reg);
  ja_jingle_manager_set_accept_timeout (st.manager, 0);
  g_queue_init (&st.ours);
  g_signal_connect (st.manager, "incoming-session", G_CALLBACK (incoming_cb),
      &st);
  while (in.p < in.end && steps++ < 256) {
    guint8 op = next (&in);

    if (op < 0x40)
      op_structured (&st, &in);
    else if (op < 0x60)
      op_raw (&st, &in);
    else if (op < 0x80)
      op_answer (&st, &in);
    else if (op < 0xc0)
      op_local (&st, &in, op);
    else if (op < 0xe0)
      op_start (&st, &in);
    else
      while (g_main_context_iteration (NULL, FALSE))
        ;
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; i < st.n_held; i++)
    g_object_unref (st.held[i]);
  g_queue_clear_full (&st.ours, g_free);
  g_object_unref (st.manager);   /* frees the fake */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
