extension XRPCMethods {
    /// Every method this relay serves. Anything else answers 501 MethodNotImplemented
    /// (and, once the AppView proxy lands, `app.bsky.*`/`chat.bsky.*` go there instead).
    static var all: [XRPCMethod] {
        [
            describeServer, createAccount, createSession, getSession, refreshSession, deleteSession,
            checkAccountStatus, activateAccount, deactivateAccount, getServiceAuth,
            resolveHandle,
            updateHandle, getRecommendedDidCredentials, submitPlcOperation, importRepo,
            createRecord, putRecord, deleteRecord, getRecord, listRecords, describeRepo, uploadBlob,
            getBlob, listBlobs, getRepo, getLatestCommit, syncGetRecord,
            applyWrites, getBlocks, getRepoStatus, listRepos,
            getPreferences, putPreferences,
            escrowPutShare, escrowGetLog, escrowRequestRelease, escrowCancelRelease, escrowGetShare, escrowDeleteShare,
            createPairingTicket,
        ]
    }
}
