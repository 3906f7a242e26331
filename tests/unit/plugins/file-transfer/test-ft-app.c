/* test-ft-app.c — the XEP-0234 application kind (ft-app.c, ft-transfer.c)
 * inside the real Jingle engine on the fake signalling, with the fake
 * streaming transport and an in-memory GIOStream as the channel: the
 * receiver verifies and saves, refuses a mismatch (media-error, "hash
 * mismatch", nothing kept), waits for a <checksum/> when the offer had no
 * hash; the sender takes a session-accept without <description/>, streams
 * the file, closes, and succeeds on the receiver's success. The content
 * 'senders' on the wire (offer: ours, request: the peer's); File Requests
 * (§Requesting a File) from both sides: the requester stores and verifies
 * like a receiver of an offer, the holder sends what the agent serves.
 * Several contents in one session: each verified and saved on its own, the
 * session ended after the last; a mismatch in one keeps the other. The
 * sender's verdict is the <received/> for its content. Ranged transfers
 * (XEP-0234 §Ranged Transfers): a stream that ends early keeps NAME.part
 * and its sidecar; a new offer of the same file is answered with
 * <range offset/> and continues the part (a tampered part fails the whole
 * file's hash, nothing kept; another size starts afresh); a sender serves
 * from the answer's offset and refuses a range past the end. No network. */
#include <string.h>
#include <glib/gstdio.h>

#include "plugins/file-transfer/ft-app.h"
#include "plugins/file-transfer/ft-error.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/xmpp/ns.h"
#include "tests/support/ja-test-util.h"
#include "tests/unit/jingle/jingle-test-fakes.h"

#define DATA_LEN (300 * 1024 + 7)   /* several chunks, not a multiple */

typedef struct {
  FakeSignalling *fake;
  JaJingleManager *manager;
  JaJingleSession *session;
  JaFtTransfer *transfer;
  char *dir;
  guint8 *data;
  char *sha256_b64;
  guint verified, failed;
  GError *error;
  char *path;
  GPtrArray *actions;          /* what we sent: "action[:payload]" */
  const JaFtOffer *serve;      /* holder: what answers a request */
} Fixture;

static void
verified_cb (JaFtTransfer *t, const char *path, Fixture *f)
{
  f->verified++;
  g_free (f->path);
  f->path = g_strdup (path);
}

static void
failed_cb (JaFtTransfer *t, const GError *error, Fixture *f)
{
  f->failed++;
  g_clear_error (&f->error);
  f->error = g_error_copy (error);
}

static void
watch_transfer (Fixture *f, JaJingleContent *c)
{
  f->transfer = g_object_ref (ja_ft_app_get_transfer (
          ja_jingle_content_get_app (c)));
  g_assert_nonnull (f->transfer);
  g_signal_connect (f->transfer, "verified", G_CALLBACK (verified_cb), f);
  g_signal_connect (f->transfer, "failed", G_CALLBACK (failed_cb), f);
}

static void
incoming_cb (JaJingleManager *m, JaJingleSession *s, Fixture *f)
{
  g_autoptr (GError) error = NULL;

  f->session = g_object_ref (s);
  watch_transfer (f, ja_jingle_session_get_content (s, 0));
  if (ja_ft_transfer_is_request (f->transfer)) {
    g_assert_true (ja_ft_transfer_is_sender (f->transfer));
    if (f->serve == NULL) {
      ja_jingle_session_terminate (s, JA_JINGLE_REASON_FAILED_APPLICATION,
          "file not available");
      return;
    }
    ja_ft_transfer_serve (f->transfer, f->serve);
  }
  ja_ft_transfer_set_download_dir (f->transfer, f->dir);
  if (!ja_ft_transfer_is_sender (f->transfer))
    ja_ft_transfer_find_resume (f->transfer);    /* as JaAgent does */
  g_assert_true (ja_jingle_session_accept (s, &error));
  g_assert_no_error (error);
}

/* Records the actions (and first payload names) of everything we sent and
 * answers our IQs. */
static void
drain (Fixture *f)
{
  JaXmlNode *n;

  while ((n = fake_pop (f->fake)) != NULL) {
    const JaXmlNode *j = ja_xml_node_find (n, "jingle", JA_NS_JINGLE);

    if (j != NULL) {
      const JaXmlNode *p = ja_xml_node_get_n_children (j) > 0
          ? ja_xml_node_get_child (j, 0) : NULL;
      const JaXmlNode *r = ja_xml_node_find (j, "reason", JA_NS_JINGLE);
      const JaXmlNode *rc = r && ja_xml_node_get_n_children (r) > 0
          ? ja_xml_node_get_child (r, 0) : NULL;
      const JaXmlNode *text = r ? ja_xml_node_find (r, "text", NULL) : NULL;

      g_ptr_array_add (f->actions, g_strdup_printf ("%s:%s%s%s",
              ja_xml_node_get_attr (j, "action"),
              rc ? rc->name : (p ? p->name : ""), text ? ":" : "",
              text ? ja_xml_node_get_text (text) : ""));
    }
    ja_xml_node_free (n);
  }
  fake_answer_all (f->fake);
}

static gboolean
sent (Fixture *f, const char *prefix)
{
  drain (f);
  for (guint i = 0; i < f->actions->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->actions, i), prefix))
      return TRUE;
  return FALSE;
}

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (JaJingleRegistry) reg = fake_registry_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtHasher) h = ja_ft_hasher_new (JA_FT_HASH_BIT (
          JA_FT_HASH_SHA_256), &error);
  JaFtHashList out;

  memset (f, 0, sizeof *f);
  g_assert_true (ja_jingle_registry_add_app (reg, &ja_ft_app_kind));
  f->fake = fake_signalling_new ();
  f->manager = ja_jingle_manager_new (fake_signalling_base (f->fake), reg);
  ja_jingle_manager_set_accept_timeout (f->manager, 0);
  g_signal_connect (f->manager, "incoming-session", G_CALLBACK (incoming_cb),
      f);
  f->dir = g_dir_make_tmp ("test-ft-app-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_malloc (DATA_LEN);
  for (gsize i = 0; i < DATA_LEN; i++)
    f->data[i] = (guint8) (i * 7 + (i >> 9));
  ja_ft_hasher_update (h, f->data, DATA_LEN);
  ja_ft_hasher_finish (h, &out);
  f->sha256_b64 = ja_ft_hash_to_base64 (&out.items[0]);
  f->actions = g_ptr_array_new_with_free_func (g_free);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    g_autofree char *p = g_build_filename (f->dir, name, NULL);

    g_unlink (p);
  }
  g_rmdir (f->dir);
  g_clear_object (&f->transfer);
  g_clear_object (&f->session);
  g_clear_object (&f->manager);
  g_clear_error (&f->error);
  g_ptr_array_unref (f->actions);
  g_free (f->dir);
  g_free (f->data);
  g_free (f->sha256_b64);
  g_free (f->path);
}

static guint
n_files (Fixture *f)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static gboolean
concluded_cb (gpointer data)
{
  Fixture *f = data;

  drain (f);
  return f->verified + f->failed > 0;
}

/* Pops what we sent up to the first <jingle action=action/> and returns
 * that IQ (transfer full); everything is answered with a result. */
static JaXmlNode *
pop_action (Fixture *f, const char *action)
{
  JaXmlNode *n;

  while ((n = fake_pop (f->fake)) != NULL) {
    const JaXmlNode *j = ja_xml_node_find (n, "jingle", JA_NS_JINGLE);

    if (j != NULL
        && g_strcmp0 (ja_xml_node_get_attr (j, "action"), action) == 0) {
      fake_answer_all (f->fake);
      return n;
    }
    ja_xml_node_free (n);
  }
  g_assert_not_reached ();
  return NULL;
}

static const JaXmlNode *
content_of (const JaXmlNode *iq)
{
  const JaXmlNode *content = ja_xml_node_find (ja_xml_node_find (iq, "jingle",
          JA_NS_JINGLE), "content", JA_NS_JINGLE);

  g_assert_nonnull (content);
  return content;
}

/* ---- receiver ----------------------------------------------------------- */

static void
offer_full (Fixture *f, const char *sid, guint size, const char *hash_b64)
{
  g_autofree char *hash = hash_b64 == NULL ? g_strdup ("")
      : g_strdup_printf ("<hash xmlns='" JA_NS_HASHES "' algo='sha-256'>%s"
          "</hash>", hash_b64);

  fake_deliver (f->fake, "<iq type='set' id='i-%s' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-initiate' "
      "sid='%s' initiator='" FAKE_PEER "'><content creator='initiator' "
      "name='f' senders='initiator'><description xmlns='" JA_NS_JINGLE_FT
      "'><file><name>../up/a.txt</name><size>%u</size>%s</file></description>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content></jingle></iq>",
      sid, sid, size, hash);
  g_assert_nonnull (f->session);
}

static void
offer (Fixture *f, const char *hash_b64)
{
  offer_full (f, "s1", DATA_LEN, hash_b64);
}

/* The channel carries f->data[from, from + len). */
static void
feed_from (Fixture *f, gsize from, gsize len)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (
      g_memdup2 (f->data + from, len), len, g_free);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = ja_jingle_channel_new_stream (io);

  ja_jingle_content_transport_ready (ja_jingle_session_get_content (
          f->session, 0), ch);
}

static void
feed (Fixture *f, gsize len)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (
      g_memdup2 (f->data, len), len, g_free);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = ja_jingle_channel_new_stream (io);

  ja_jingle_content_transport_ready (ja_jingle_session_get_content (
          f->session, 0), ch);
}

static void
test_receive_verified (Fixture *f, gconstpointer data)
{
  g_autofree char *want = g_build_filename (f->dir, "up_a.txt", NULL);
  g_autofree char *got = NULL;
  gsize len = 0;

  offer (f, f->sha256_b64);
  g_assert_true (sent (f, "session-accept:content"));
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_cmpstr (f->path, ==, want);
  g_assert_true (g_file_get_contents (want, &got, &len, NULL));
  g_assert_cmpmem (got, len, f->data, DATA_LEN);
  g_assert_cmpuint (ja_ft_transfer_get_bytes (f->transfer), ==, DATA_LEN);
  g_assert_nonnull (ja_ft_transfer_get_sha256_hex (f->transfer));
  g_assert_true (sent (f, "session-info:received"));
  g_assert_true (sent (f, "session-terminate:success"));
  g_assert_cmpuint (n_files (f), ==, 1);
}

static void
test_receive_mismatch (Fixture *f, gconstpointer data)
{
  /* A hash of other bytes: the right length, the wrong value. */
  offer (f, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  drain (f);
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_error (f->error, JA_TRANSFER_ERROR,
      JA_TRANSFER_ERROR_HASH_MISMATCH);
  g_assert_true (sent (f, "session-terminate:media-error:hash mismatch"));
  g_assert_cmpuint (n_files (f), ==, 0);
}

static gboolean
exists (Fixture *f, const char *name)
{
  g_autofree char *p = g_build_filename (f->dir, name, NULL);

  return g_file_test (p, G_FILE_TEST_EXISTS);
}

/* A bytestream that ends early: nothing under the final name, the part
 * and its sidecar are kept for a resume. */
static void
test_receive_short (Fixture *f, gconstpointer data)
{
  g_autofree char *part = g_build_filename (f->dir, "up_a.txt.part", NULL);
  GStatBuf st;

  offer (f, f->sha256_b64);
  drain (f);
  feed (f, DATA_LEN - 100);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_true (sent (f, "session-terminate:media-error"));
  g_assert_false (exists (f, "up_a.txt"));
  g_assert_cmpint (g_stat (part, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, DATA_LEN - 100);
  g_assert_true (exists (f, ".up_a.txt.part.offer"));
  g_assert_cmpuint (n_files (f), ==, 2);
}

/* The range in our session-accept, -1 without one. */
static gint64
accepted_range (Fixture *f)
{
  g_autoptr (JaXmlNode) n = pop_action (f, "session-accept");
  g_autoptr (JaFtFile) file = NULL;
  g_autoptr (GError) error = NULL;

  file = ja_ft_description_parse (ja_xml_node_find (content_of (n),
          "description", JA_NS_JINGLE_FT), &error);
  g_assert_no_error (error);
  return file->range.present ? (gint64) file->range.offset : -1;
}

/* A first offer ends after cut bytes (the part is kept); the fixture is
 * ready for a second session. */
static void
interrupted (Fixture *f, gsize cut)
{
  offer (f, f->sha256_b64);
  g_assert_cmpint (accepted_range (f), ==, -1);
  drain (f);
  feed (f, cut);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->failed, ==, 1);
  g_clear_object (&f->transfer);
  g_clear_object (&f->session);
  g_clear_error (&f->error);
  f->failed = 0;
  g_ptr_array_set_size (f->actions, 0);
}

static void
test_receive_resume (Fixture *f, gconstpointer data)
{
  g_autofree char *want = g_build_filename (f->dir, "up_a.txt", NULL);
  g_autofree char *got = NULL;
  gsize len = 0, cut = 100000;

  interrupted (f, cut);
  offer_full (f, "s2", DATA_LEN, f->sha256_b64);
  g_assert_cmpint (accepted_range (f), ==, cut);
  g_assert_cmpuint (ja_ft_transfer_get_resumed_from (f->transfer), ==, cut);
  feed_from (f, cut, DATA_LEN - cut);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_cmpstr (f->path, ==, want);
  g_assert_true (g_file_get_contents (want, &got, &len, NULL));
  g_assert_cmpmem (got, len, f->data, DATA_LEN);
  g_assert_cmpuint (ja_ft_transfer_get_bytes (f->transfer), ==, DATA_LEN);
  g_assert_cmpuint (n_files (f), ==, 1);    /* no part, no sidecar */
}

static void
test_receive_resume_tampered (Fixture *f, gconstpointer data)
{
  g_autofree char *part = g_build_filename (f->dir, "up_a.txt.part", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0, cut = 100000;

  interrupted (f, cut);
  g_assert_true (g_file_get_contents (part, &bytes, &len, NULL));
  g_assert_cmpuint (len, ==, cut);
  bytes[10] ^= 0x20;
  g_assert_true (g_file_set_contents_full (part, bytes, len,
          G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  offer_full (f, "s2", DATA_LEN, f->sha256_b64);
  g_assert_cmpint (accepted_range (f), ==, cut);
  feed_from (f, cut, DATA_LEN - cut);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_error (f->error, JA_TRANSFER_ERROR,
      JA_TRANSFER_ERROR_HASH_MISMATCH);
  g_assert_true (sent (f, "session-terminate:media-error:hash mismatch"));
  g_assert_cmpuint (n_files (f), ==, 0);
}

/* Another size (or another hash): no range, a fresh part. */
static void
test_receive_resume_other_file (Fixture *f, gconstpointer data)
{
  interrupted (f, 100000);
  offer_full (f, "s2", DATA_LEN - 1, NULL);
  g_assert_cmpint (accepted_range (f), ==, -1);
  g_assert_cmpuint (ja_ft_transfer_get_resumed_from (f->transfer), ==, 0);
  ja_jingle_session_terminate (f->session, JA_JINGLE_REASON_CANCEL, NULL);
  g_clear_object (&f->transfer);
  g_clear_object (&f->session);
  offer_full (f, "s3", DATA_LEN,
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  g_assert_cmpint (accepted_range (f), ==, -1);
}

static gboolean
all_read_cb (gpointer data)
{
  Fixture *f = data;

  return ja_ft_transfer_get_bytes (f->transfer) == DATA_LEN;
}

static void
test_receive_checksum_later (Fixture *f, gconstpointer data)
{
  offer (f, NULL);
  drain (f);
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (all_read_cb, f, 5000));
  /* Let the EOF arrive, then nothing happens until the checksum does. */
  ja_test_wait_until (concluded_cb, f, 50);
  g_assert_cmpuint (f->verified + f->failed, ==, 0);
  fake_deliver (f->fake, "<iq type='set' id='i2' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-info' "
      "sid='s1'><checksum xmlns='" JA_NS_JINGLE_FT "' creator='initiator' "
      "name='f'><file><hash xmlns='" JA_NS_HASHES "' algo='sha-256'>%s</hash>"
      "</file></checksum></jingle></iq>", f->sha256_b64);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_true (sent (f, "session-terminate:success"));
}

static void
test_receive_cancelled (Fixture *f, gconstpointer data)
{
  offer (f, f->sha256_b64);
  drain (f);
  fake_deliver (f->fake, "<iq type='set' id='i2' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-terminate' "
      "sid='s1'><reason><cancel/></reason></jingle></iq>");
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_files (f), ==, 0);
}

/* ---- sender ------------------------------------------------------------- */

static gboolean
closed_cb (gpointer data)
{
  return g_io_stream_is_closed (data);
}

static void
test_send (Fixture *f, gconstpointer data)
{
  g_autofree char *src = g_build_filename (f->dir, "src.bin", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = NULL;
  JaFtHashList hashes = { 0 };
  JaFtOffer o = { 0 };
  JaJingleAppOptions opts = { &o, JA_JINGLE_SENDERS_INITIATOR };
  JaJingleContent *c;

  g_assert_true (g_file_set_contents (src, (char *) f->data, DATA_LEN, NULL));
  g_assert_true (ja_ft_hash_set_base64 (&hashes.items[0], JA_FT_HASH_SHA_256,
          f->sha256_b64, NULL));
  hashes.n = 1;
  o.path = src;
  o.name = "offered.bin";
  o.size = DATA_LEN;
  o.hashes = &hashes;
  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  g_assert_no_error (error);
  c = ja_jingle_session_add_content (f->session, "f", JA_NS_JINGLE_FT,
      FAKE_NS_TP_HIGH, &opts, &error);
  g_assert_no_error (error);
  watch_transfer (f, c);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  {
    g_autoptr (JaXmlNode) n = pop_action (f, "session-initiate");
    g_autoptr (JaFtFile) file = NULL;
    const JaXmlNode *content = content_of (n);

    /* XEP-0234 §File Offer: senders is the initiator, the file described. */
    g_assert_cmpstr (ja_xml_node_get_attr (content, "senders"), ==,
        "initiator");
    file = ja_ft_description_parse (ja_xml_node_find (content, "description",
            JA_NS_JINGLE_FT), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (file->name, ==, "offered.bin");
    g_assert_cmpuint (file->size, ==, DATA_LEN);
  }
  /* §7.2.7 allows an answer that carries only the transport. */
  fake_deliver (f->fake, "<iq type='set' id='a1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-accept' "
      "sid='%s'><content creator='initiator' name='f'><transport xmlns='"
      FAKE_NS_TP_HIGH "'/></content></jingle></iq>",
      ja_jingle_session_get_sid (f->session));
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  ch = ja_jingle_channel_new_stream (io);
  ja_jingle_content_transport_ready (c, ch);
  g_assert_true (ja_test_wait_until (closed_cb, io, 5000));
  g_assert_cmpmem (g_memory_output_stream_get_data (
          G_MEMORY_OUTPUT_STREAM (out)), g_memory_output_stream_get_data_size (
          G_MEMORY_OUTPUT_STREAM (out)), f->data, DATA_LEN);
  g_assert_cmpuint (f->verified + f->failed, ==, 0);
  fake_deliver (f->fake, "<iq type='set' id='a2' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-info' "
      "sid='%s'><received xmlns='" JA_NS_JINGLE_FT "' creator='initiator' "
      "name='f'/></jingle></iq>", ja_jingle_session_get_sid (f->session));
  /* <received/> for our content is the verdict (with several files the
   * session-terminate waits for the last one). */
  g_assert_cmpuint (f->verified, ==, 1);
  fake_deliver (f->fake, "<iq type='set' id='a3' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-terminate' "
      "sid='%s'><reason><success/></reason></jingle></iq>",
      ja_jingle_session_get_sid (f->session));
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_cmpstr (f->path, ==, src);
}

static void
test_send_declined (Fixture *f, gconstpointer data)
{
  g_autofree char *src = g_build_filename (f->dir, "src.bin", NULL);
  g_autoptr (GError) error = NULL;
  JaFtOffer o = { 0 };
  JaJingleAppOptions opts = { &o, JA_JINGLE_SENDERS_INITIATOR };
  JaJingleContent *c;

  g_assert_true (g_file_set_contents (src, "x", 1, NULL));
  o.path = src;
  o.size = 1;
  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  c = ja_jingle_session_add_content (f->session, "f", JA_NS_JINGLE_FT,
      FAKE_NS_TP_HIGH, &opts, &error);
  g_assert_no_error (error);
  watch_transfer (f, c);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  drain (f);
  fake_deliver (f->fake, "<iq type='set' id='a1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-terminate' "
      "sid='%s'><reason><decline/></reason></jingle></iq>",
      ja_jingle_session_get_sid (f->session));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_error (f->error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_DECLINED);
}

/* The answer's <range offset/>: the sender starts there. */
static JaJingleContent *
send_with_answer (Fixture *f, const char *range, GIOStream *io)
{
  g_autofree char *src = g_build_filename (f->dir, "src.bin", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleChannel) ch = NULL;
  JaFtOffer o = { 0 };
  JaJingleAppOptions opts = { &o, JA_JINGLE_SENDERS_INITIATOR };
  JaJingleContent *c;

  g_assert_true (g_file_set_contents (src, (char *) f->data, DATA_LEN, NULL));
  o.path = src;
  o.size = DATA_LEN;
  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  c = ja_jingle_session_add_content (f->session, "f", JA_NS_JINGLE_FT,
      FAKE_NS_TP_HIGH, &opts, &error);
  g_assert_no_error (error);
  watch_transfer (f, c);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  drain (f);
  fake_deliver (f->fake, "<iq type='set' id='a1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-accept' "
      "sid='%s'><content creator='initiator' name='f'><description xmlns='"
      JA_NS_JINGLE_FT "'><file><name>src.bin</name><size>%u</size>%s</file>"
      "</description><transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      "</jingle></iq>", ja_jingle_session_get_sid (f->session), DATA_LEN,
      range);
  if (ja_jingle_session_get_state (f->session) == JA_JINGLE_STATE_ACTIVE) {
    ch = ja_jingle_channel_new_stream (io);
    ja_jingle_content_transport_ready (c, ch);
  }
  return c;
}

static void
test_send_range (Fixture *f, gconstpointer data)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);

  send_with_answer (f, "<range offset='1000'/>", io);
  g_assert_true (ja_test_wait_until (closed_cb, io, 5000));
  g_assert_cmpuint (ja_ft_transfer_get_resumed_from (f->transfer), ==, 1000);
  g_assert_cmpmem (g_memory_output_stream_get_data (
          G_MEMORY_OUTPUT_STREAM (out)), g_memory_output_stream_get_data_size (
          G_MEMORY_OUTPUT_STREAM (out)), f->data + 1000, DATA_LEN - 1000);
  g_assert_cmpuint (ja_ft_transfer_get_bytes (f->transfer), ==, DATA_LEN);
}

/* A range past the end, or one that stops short of it: refused before a
 * byte moves. */
static void
test_send_bad_range (Fixture *f, gconstpointer data)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autofree char *past = g_strdup_printf ("<range offset='%u'/>",
      DATA_LEN + 1);

  send_with_answer (f, (const char *) data == NULL ? past
      : "<range offset='10' length='10'/>", io);
  g_assert_true (sent (f, "session-terminate:incompatible-parameters"));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (
          G_MEMORY_OUTPUT_STREAM (out)), ==, 0);
}

/* An XEP-0234 content has senders initiator or responder: "both" (the
 * engine's default) is refused before anything is sent. */
static void
test_send_needs_senders (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaFtOffer o = { .path = "/dev/null" };
  JaJingleAppOptions opts = { &o };

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  g_assert_null (ja_jingle_session_add_content (f->session, "f",
          JA_NS_JINGLE_FT, FAKE_NS_TP_HIGH, &opts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (fake_n_sent (f->fake), ==, 0);
}

/* ---- requester ---------------------------------------------------------- */

/* We request a file by name (hash: by that hash too); returns the content
 * after checking the session-initiate on the wire. */
static JaJingleContent *
request (Fixture *f, const char *name, const char *hash_b64)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) n = NULL;
  g_autoptr (JaFtFile) sel = NULL;
  JaFtHashList hashes = { 0 };
  JaFtRequest r = { name, hash_b64 ? &hashes : NULL };
  JaJingleAppOptions opts = { &r, JA_JINGLE_SENDERS_RESPONDER };
  const JaXmlNode *content;
  JaJingleContent *c;

  if (hash_b64 != NULL) {
    g_assert_true (ja_ft_hash_set_base64 (&hashes.items[0],
            JA_FT_HASH_SHA_256, hash_b64, NULL));
    hashes.n = 1;
  }
  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  c = ja_jingle_session_add_content (f->session, "f", JA_NS_JINGLE_FT,
      FAKE_NS_TP_HIGH, &opts, &error);
  g_assert_no_error (error);
  watch_transfer (f, c);
  g_assert_true (ja_ft_transfer_is_request (f->transfer));
  g_assert_false (ja_ft_transfer_is_sender (f->transfer));
  ja_ft_transfer_set_download_dir (f->transfer, f->dir);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  n = pop_action (f, "session-initiate");
  content = content_of (n);
  /* §Requesting a File: senders is the other party, the file a selector. */
  g_assert_cmpstr (ja_xml_node_get_attr (content, "creator"), ==,
      "initiator");
  g_assert_cmpstr (ja_xml_node_get_attr (content, "senders"), ==,
      "responder");
  sel = ja_ft_description_parse (ja_xml_node_find (content, "description",
          JA_NS_JINGLE_FT), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sel->name, ==, name);
  g_assert_false (sel->has_size);
  g_assert_cmpuint (sel->hashes.n, ==, hash_b64 ? 1 : 0);
  return c;
}

/* The holder accepts, describing the file it sends. */
static void
holder_accepts (Fixture *f, const char *name, const char *hash_b64)
{
  fake_deliver (f->fake, "<iq type='set' id='a1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-accept' "
      "sid='%s' responder='" FAKE_PEER "'><content creator='initiator' "
      "name='f' senders='responder'><description xmlns='" JA_NS_JINGLE_FT
      "'><file><name>%s</name><size>%u</size><hash xmlns='" JA_NS_HASHES
      "' algo='sha-256'>%s</hash></file></description><transport xmlns='"
      FAKE_NS_TP_HIGH "'/></content></jingle></iq>",
      ja_jingle_session_get_sid (f->session), name, DATA_LEN, hash_b64);
}

static void
test_request_by_name (Fixture *f, gconstpointer data)
{
  g_autofree char *want = g_build_filename (f->dir, "etc_x", NULL);
  g_autofree char *got = NULL;
  gsize len = 0;

  request (f, "../etc/x", NULL);
  holder_accepts (f, "../etc/x", f->sha256_b64);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  /* Stored exactly like an offer: sanitised name, hash checked. */
  g_assert_cmpstr (f->path, ==, want);
  g_assert_true (g_file_get_contents (want, &got, &len, NULL));
  g_assert_cmpmem (got, len, f->data, DATA_LEN);
  g_assert_nonnull (ja_ft_transfer_get_sha256_hex (f->transfer));
  g_assert_true (sent (f, "session-info:received"));
  g_assert_true (sent (f, "session-terminate:success"));
  g_assert_cmpuint (n_files (f), ==, 1);
}

/* Requested by hash: the holder's name is used, the bytes must match the
 * hash we asked for. */
static void
test_request_by_hash (Fixture *f, gconstpointer data)
{
  g_autofree char *want = g_build_filename (f->dir, "held.bin", NULL);

  request (f, NULL, f->sha256_b64);
  holder_accepts (f, "held.bin", f->sha256_b64);
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_cmpstr (f->path, ==, want);
}

/* The holder describes another hash than the one we asked for. */
static void
test_request_answer_other_hash (Fixture *f, gconstpointer data)
{
  request (f, NULL, f->sha256_b64);
  holder_accepts (f, "held.bin",
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  g_assert_true (sent (f, "session-terminate:incompatible-parameters"));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_cmpuint (n_files (f), ==, 0);
}

/* Bytes that do not match the hash we asked for: refused like an offer. */
static void
test_request_mismatch (Fixture *f, gconstpointer data)
{
  request (f, "a.bin", f->sha256_b64);
  holder_accepts (f, "a.bin", f->sha256_b64);
  f->data[1000] ^= 1;
  feed (f, DATA_LEN);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_error (f->error, JA_TRANSFER_ERROR,
      JA_TRANSFER_ERROR_HASH_MISMATCH);
  g_assert_true (sent (f, "session-terminate:media-error:hash mismatch"));
  g_assert_cmpuint (n_files (f), ==, 0);
}

/* §File not Available. */
static void
test_request_not_available (Fixture *f, gconstpointer data)
{
  request (f, "nope", NULL);
  fake_deliver (f->fake, "<iq type='set' id='a1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-terminate' "
      "sid='%s'><reason><failed-application/><file-not-available xmlns='"
      "urn:xmpp:jingle:apps:file-transfer:errors:0'/></reason></jingle></iq>",
      ja_jingle_session_get_sid (f->session));
  g_assert_cmpuint (f->failed, ==, 1);
  g_assert_error (f->error, JA_TRANSFER_ERROR,
      JA_TRANSFER_ERROR_NOT_AVAILABLE);
}

static void
test_request_needs_selector (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaFtRequest r = { NULL, NULL };
  JaJingleAppOptions opts = { &r, JA_JINGLE_SENDERS_RESPONDER };

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  g_assert_null (ja_jingle_session_add_content (f->session, "f",
          JA_NS_JINGLE_FT, FAKE_NS_TP_HIGH, &opts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* ---- holder ------------------------------------------------------------- */

static void
peer_requests (Fixture *f, const char *file)
{
  fake_deliver (f->fake, "<iq type='set' id='i1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-initiate' "
      "sid='s1' initiator='" FAKE_PEER "'><content creator='initiator' "
      "name='r' senders='responder'><description xmlns='" JA_NS_JINGLE_FT
      "'>%s</description><transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      "</jingle></iq>", file);
}

static void
test_serve (Fixture *f, gconstpointer data)
{
  g_autofree char *src = g_build_filename (f->dir, "held.bin", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = NULL;
  g_autoptr (JaXmlNode) n = NULL;
  g_autoptr (JaFtFile) file = NULL;
  const JaXmlNode *content;
  JaFtHashList hashes = { 0 };
  JaFtOffer o = { 0 };

  g_assert_true (g_file_set_contents (src, (char *) f->data, DATA_LEN, NULL));
  g_assert_true (ja_ft_hash_set_base64 (&hashes.items[0], JA_FT_HASH_SHA_256,
          f->sha256_b64, NULL));
  hashes.n = 1;
  o.path = src;
  o.size = DATA_LEN;
  o.hashes = &hashes;
  f->serve = &o;
  peer_requests (f, "<file><name>held.bin</name></file>");
  g_assert_nonnull (f->session);
  n = pop_action (f, "session-accept");
  content = content_of (n);
  /* The answer keeps senders and describes the file that will come. */
  g_assert_cmpstr (ja_xml_node_get_attr (content, "senders"), ==,
      "responder");
  file = ja_ft_description_parse (ja_xml_node_find (content, "description",
          JA_NS_JINGLE_FT), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->name, ==, "held.bin");
  g_assert_cmpuint (file->size, ==, DATA_LEN);
  g_assert_cmpuint (file->hashes.n, ==, 1);
  ch = ja_jingle_channel_new_stream (io);
  ja_jingle_content_transport_ready (ja_jingle_session_get_content (
          f->session, 0), ch);
  g_assert_true (ja_test_wait_until (closed_cb, io, 5000));
  g_assert_cmpmem (g_memory_output_stream_get_data (
          G_MEMORY_OUTPUT_STREAM (out)), g_memory_output_stream_get_data_size (
          G_MEMORY_OUTPUT_STREAM (out)), f->data, DATA_LEN);
  fake_deliver (f->fake, "<iq type='set' id='a3' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-terminate' "
      "sid='s1'><reason><success/></reason></jingle></iq>");
  g_assert_cmpuint (f->verified, ==, 1);
}

static void
test_serve_not_available (Fixture *f, gconstpointer data)
{
  peer_requests (f, "<file><name>nope</name></file>");
  g_assert_true (sent (f, "session-terminate:failed-application"));
  g_assert_cmpuint (f->failed, ==, 1);
}

/* A request that names no file is malformed. */
static void
test_serve_no_selector (Fixture *f, gconstpointer data)
{
  JaXmlNode *n;

  peer_requests (f, "<file><size>3</size></file>");
  g_assert_null (f->session);
  n = fake_pop (f->fake);
  g_assert_cmpstr (ja_xml_node_get_attr (n, "type"), ==, "error");
  g_assert_nonnull (ja_xml_node_find (ja_xml_node_find (n, "error", NULL),
          "bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
  ja_xml_node_free (n);
}

/* ---- several files in one session (XEP-0234 §Application Format) ------- */

typedef struct {
  guint verified, failed;
  GError *error;
} Count;

static void
count_verified_cb (JaFtTransfer *t, const char *path, Count *n)
{
  n->verified++;
}

static void
count_failed_cb (JaFtTransfer *t, const GError *error, Count *n)
{
  n->failed++;
  g_clear_error (&n->error);
  n->error = g_error_copy (error);
}

/* Two contents in one session-initiate: "a.bin" with hash_a, "b.bin" with
 * hash_b. */
static void
offer_two (Fixture *f, const char *hash_a, const char *hash_b)
{
  fake_deliver (f->fake, "<iq type='set' id='i1' from='" FAKE_PEER "' to='"
      FAKE_OWN "'><jingle xmlns='" JA_NS_JINGLE "' action='session-initiate' "
      "sid='s2' initiator='" FAKE_PEER "'>"
      "<content creator='initiator' name='file-0' senders='initiator'>"
      "<description xmlns='" JA_NS_JINGLE_FT "'><file><name>a.bin</name>"
      "<size>%u</size><hash xmlns='" JA_NS_HASHES "' algo='sha-256'>%s</hash>"
      "</file></description><transport xmlns='" FAKE_NS_TP_HIGH "'/>"
      "</content>"
      "<content creator='initiator' name='file-1' senders='initiator'>"
      "<description xmlns='" JA_NS_JINGLE_FT "'><file><name>b.bin</name>"
      "<size>%u</size><hash xmlns='" JA_NS_HASHES "' algo='sha-256'>%s</hash>"
      "</file></description><transport xmlns='" FAKE_NS_TP_HIGH "'/>"
      "</content></jingle></iq>", DATA_LEN, hash_a, DATA_LEN, hash_b);
  g_assert_nonnull (f->session);
  g_assert_cmpuint (ja_jingle_session_get_n_contents (f->session), ==, 2);
}

/* The second content's transfer (incoming_cb watches the first). */
static JaFtTransfer *
second_transfer (Fixture *f, Count *n)
{
  JaFtTransfer *t = ja_ft_app_get_transfer (ja_jingle_content_get_app (
          ja_jingle_session_get_content (f->session, 1)));

  g_assert_nonnull (t);
  g_assert_true (t != f->transfer);
  ja_ft_transfer_set_download_dir (t, f->dir);
  g_signal_connect (t, "verified", G_CALLBACK (count_verified_cb), n);
  g_signal_connect (t, "failed", G_CALLBACK (count_failed_cb), n);
  return t;
}

static void
feed_content (Fixture *f, guint i)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (
      g_memdup2 (f->data, DATA_LEN), DATA_LEN, g_free);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = ja_jingle_channel_new_stream (io);

  ja_jingle_content_transport_ready (ja_jingle_session_get_content (
          f->session, i), ch);
}

static gboolean
count_concluded_cb (gpointer data)
{
  Count *n = data;

  return n->verified + n->failed > 0;
}

/* Each content is its own transfer, verified and renamed on its own; the
 * first finishing does not end the session, the last one ends it with
 * success. */
static void
test_receive_two_files (Fixture *f, gconstpointer data)
{
  g_autofree char *a = g_build_filename (f->dir, "a.bin", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.bin", NULL);
  Count n = { 0 };

  offer_two (f, f->sha256_b64, f->sha256_b64);
  second_transfer (f, &n);
  g_assert_true (sent (f, "session-accept:content"));
  feed_content (f, 0);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  g_assert_cmpstr (f->path, ==, a);
  g_assert_true (sent (f, "session-info:received"));
  g_assert_false (sent (f, "session-terminate"));
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  feed_content (f, 1);
  g_assert_true (ja_test_wait_until (count_concluded_cb, &n, 5000));
  g_assert_cmpuint (n.verified, ==, 1);
  g_assert_true (sent (f, "session-terminate:success"));
  g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (b, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (n_files (f), ==, 2);
}

/* One file of two does not match: the other stays verified and saved,
 * nothing of the bad one is kept, the session ends with the mismatch. */
static void
test_receive_two_files_one_mismatch (Fixture *f, gconstpointer data)
{
  g_autofree char *a = g_build_filename (f->dir, "a.bin", NULL);
  Count n = { 0 };

  offer_two (f, f->sha256_b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  second_transfer (f, &n);
  drain (f);
  feed_content (f, 0);
  g_assert_true (ja_test_wait_until (concluded_cb, f, 5000));
  g_assert_cmpuint (f->verified, ==, 1);
  feed_content (f, 1);
  g_assert_true (ja_test_wait_until (count_concluded_cb, &n, 5000));
  g_assert_cmpuint (n.failed, ==, 1);
  g_assert_error (n.error, JA_TRANSFER_ERROR, JA_TRANSFER_ERROR_HASH_MISMATCH);
  g_assert_true (sent (f, "session-terminate:media-error:hash mismatch"));
  g_assert_cmpuint (f->failed, ==, 0);
  g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (n_files (f), ==, 1);
  g_clear_error (&n.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, set_up, fn, tear_down)
  ADD ("/ft/app/receive/verified", test_receive_verified);
  ADD ("/ft/app/receive/hash-mismatch", test_receive_mismatch);
  ADD ("/ft/app/receive/short", test_receive_short);
  ADD ("/ft/app/receive/checksum-later", test_receive_checksum_later);
  ADD ("/ft/app/receive/resume", test_receive_resume);
  ADD ("/ft/app/receive/resume-tampered", test_receive_resume_tampered);
  ADD ("/ft/app/receive/resume-other-file", test_receive_resume_other_file);
  ADD ("/ft/app/receive/cancelled", test_receive_cancelled);
  ADD ("/ft/app/receive/two-files", test_receive_two_files);
  ADD ("/ft/app/receive/two-files-one-mismatch",
      test_receive_two_files_one_mismatch);
  ADD ("/ft/app/send/accept-without-description", test_send);
  ADD ("/ft/app/send/declined", test_send_declined);
  ADD ("/ft/app/send/needs-senders", test_send_needs_senders);
  ADD ("/ft/app/send/range", test_send_range);
  g_test_add ("/ft/app/send/range-past-end", Fixture, NULL, set_up,
      test_send_bad_range, tear_down);
  g_test_add ("/ft/app/send/range-short", Fixture, "short", set_up,
      test_send_bad_range, tear_down);
  ADD ("/ft/app/request/by-name", test_request_by_name);
  ADD ("/ft/app/request/by-hash", test_request_by_hash);
  ADD ("/ft/app/request/answer-other-hash", test_request_answer_other_hash);
  ADD ("/ft/app/request/hash-mismatch", test_request_mismatch);
  ADD ("/ft/app/request/not-available", test_request_not_available);
  ADD ("/ft/app/request/needs-selector", test_request_needs_selector);
  ADD ("/ft/app/serve/sent", test_serve);
  ADD ("/ft/app/serve/not-available", test_serve_not_available);
  ADD ("/ft/app/serve/no-selector", test_serve_no_selector);
  return g_test_run ();
}
