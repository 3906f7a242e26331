/* ft-app.c — the XEP-0234 application kind: a const vtable over
 * JaFtTransfer (ft-transfer.c), which does the work. The offer is the
 * <description><file/></description> of §Application Format; a responder
 * echoes it in session-accept, and an answer without <description/> is
 * accepted as is (XEP-0166 §7.2.7 lets the responder omit it). The content
 * 'senders' tells an offer from a request (§Use of Jingle Content Senders):
 * a local content takes JaJingleAppOptions.senders (our role: a JaFtOffer,
 * the peer's: a JaFtRequest); a peer's content whose senders is the role
 * opposite to its creator is a request for a file we hold. Session-info
 * <checksum/> and <received/> (§Checksum, §Received) go to the transfer. */
#include "plugins/file-transfer/ft-app.h"

#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/ns.h"

typedef struct {
  JaJingleApp parent;
  JaFtTransfer *transfer;      /* owned */
} FtApp;

static JaJingleSenders
senders_of (JaJingleRole role)
{
  return role == JA_JINGLE_ROLE_INITIATOR ? JA_JINGLE_SENDERS_INITIATOR
      : JA_JINGLE_SENDERS_RESPONDER;
}

static JaJingleRole
other_role (JaJingleRole role)
{
  return role == JA_JINGLE_ROLE_INITIATOR ? JA_JINGLE_ROLE_RESPONDER
      : JA_JINGLE_ROLE_INITIATOR;
}

static JaJingleApp *
ft_new_local (JaJingleContent *c, const JaJingleAppOptions *opts,
    GError **error)
{
  FtApp *self;
  JaJingleSenders senders = ja_jingle_content_get_senders (c);
  JaJingleRole me = ja_jingle_content_get_local_role (c);
  gconstpointer params = opts ? opts->params : NULL;
  JaFtTransfer *t;

  /* §Use of Jingle Content Senders: the attribute is mandatory, and
   * "both"/"none" are undefined for file transfer. */
  if (senders == senders_of (me)) {
    t = ja_ft_transfer_new_sender (c, params, error);
  } else if (senders == senders_of (other_role (me))) {
    t = ja_ft_transfer_new_requester (c, params, error);
  } else {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "a file-transfer content needs senders set to one party (ours: an "
        "offer, the peer's: a request), not %s",
        ja_jingle_senders_to_string (senders));
    return NULL;
  }

  if (t == NULL)
    return NULL;
  self = g_new0 (FtApp, 1);
  self->transfer = t;
  return &self->parent;
}

static gboolean
has_hash_value (const JaFtFile *file)
{
  for (guint i = 0; i < file->hashes.n; i++)
    if (file->hashes.items[i].len > 0)
      return TRUE;
  return FALSE;
}

static JaJingleApp *
ft_new_remote (JaJingleContent *c, const JaXmlNode *description,
    GError **error)
{
  FtApp *self;
  JaFtFile *file = ja_ft_description_parse (description, error);
  JaJingleRole creator = ja_jingle_content_get_creator (c);
  gboolean request;

  if (file == NULL)
    return NULL;
  /* A request: senders is the role opposite to the content's creator
   * (§Requesting a File); anything else (including an absent senders, as
   * some clients send) is taken as an offer. */
  request = ja_jingle_content_get_senders (c)
      == senders_of (other_role (creator));
  if (request && file->name == NULL && !has_hash_value (file)) {
    ja_ft_file_free (file);
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "a file request names no file: no <name/> and no hash value");
    return NULL;
  }
  self = g_new0 (FtApp, 1);
  self->transfer = request ? ja_ft_transfer_new_requested (c, file)
      : ja_ft_transfer_new_receiver (c, file);
  return &self->parent;
}

static void
ft_free (JaJingleApp *app)
{
  FtApp *self = (FtApp *) app;

  ja_ft_transfer_detach (self->transfer);
  g_object_unref (self->transfer);
  g_free (self);
}

static JaXmlNode *
ft_build_description (JaJingleApp *app, JaJingleAction action)
{
  return ja_ft_transfer_build_description (((FtApp *) app)->transfer);
}

static gboolean
ft_accept_remote (JaJingleApp *app, const JaXmlNode *description,
    GError **error)
{
  /* The receiver's echo of our offer changes nothing; the holder's answer
   * to our request describes the file. */
  return ja_ft_transfer_take_answer (((FtApp *) app)->transfer, description,
      error);
}

static void
ft_start (JaJingleApp *app, JaJingleChannel *channel)
{
  ja_ft_transfer_start (((FtApp *) app)->transfer, channel);
}

static void
ft_stop (JaJingleApp *app, JaJingleReason reason)
{
  ja_ft_transfer_stop (((FtApp *) app)->transfer, reason);
}

static gboolean
ft_handle_session_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error)
{
  return ja_ft_transfer_handle_session_info (((FtApp *) app)->transfer,
      payload, error);
}

const JaJingleAppKind ja_ft_app_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = JA_NS_JINGLE_FT,
  .flavor = JA_JINGLE_FLAVOR_STREAMING,
  .n_components = 1,
  .new_local = ft_new_local,
  .new_remote = ft_new_remote,
  .free = ft_free,
  .build_description = ft_build_description,
  .accept_remote = ft_accept_remote,
  .start = ft_start,
  .stop = ft_stop,
  .handle_session_info = ft_handle_session_info,
};

JaFtTransfer *
ja_ft_app_get_transfer (JaJingleApp *app)
{
  if (app == NULL || app->kind != &ja_ft_app_kind)
    return NULL;
  return ((FtApp *) app)->transfer;
}
