/* ft-app.c — the XEP-0234 application kind: a const vtable over
 * JaFtTransfer (ft-transfer.c), which does the work. The offer is the
 * <description><file/></description> of §Application Format; a responder
 * echoes it in session-accept, and an answer without <description/> is
 * accepted as is (XEP-0166 §7.2.7 lets the responder omit it). Session-info
 * <checksum/> and <received/> (§Checksum, §Received) go to the transfer. */
#include "plugins/file-transfer/ft-app.h"

#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/ns.h"

typedef struct {
  JaJingleApp parent;
  JaFtTransfer *transfer;      /* owned */
} FtApp;

static JaJingleApp *
ft_new_local (JaJingleContent *c, const JaJingleAppOptions *opts,
    GError **error)
{
  FtApp *self;
  JaFtTransfer *t = ja_ft_transfer_new_sender (c, opts ? opts->params : NULL,
      error);

  if (t == NULL)
    return NULL;
  self = g_new0 (FtApp, 1);
  self->transfer = t;
  return &self->parent;
}

static JaJingleApp *
ft_new_remote (JaJingleContent *c, const JaXmlNode *description,
    GError **error)
{
  FtApp *self;
  JaFtFile *file = ja_ft_description_parse (description, error);

  if (file == NULL)
    return NULL;
  /* A request (the peer wants a file from us, §Requesting) is not
   * supported: only offers of files the peer sends. */
  if (ja_jingle_content_get_senders (c) == JA_JINGLE_SENDERS_RESPONDER) {
    ja_ft_file_free (file);
    g_set_error_literal (error, JA_XMPP_ERROR,
        JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED,
        "file requests are not supported, only offers");
    return NULL;
  }
  self = g_new0 (FtApp, 1);
  self->transfer = ja_ft_transfer_new_receiver (c, file);
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
  return TRUE;   /* the receiver's echo of our offer changes nothing */
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
