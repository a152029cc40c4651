/// The repo engine both peers run: SQLite block store, MST, commits, CAR.
public enum RepoModule {
    public static let summary = "repo engine: SQLite, MST, commits, CAR"
}
