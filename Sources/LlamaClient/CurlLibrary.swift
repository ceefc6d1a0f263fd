import CCurl
import CCurlShims

/// Facts about the libcurl escalator is linked against, for `escalator doctor`.
public enum CurlLibrary {
    /// libcurl's version string, e.g. `7.88.1`, or nil if libcurl does not answer.
    public static var version: String? {
        guard let info = esc_version_info_now(), let text = info.pointee.version else { return nil }
        return String(cString: text)
    }

    /// True when libcurl initialised (it is linked and usable).
    public static var isUsable: Bool { CurlGlobal.initCode == CURLE_OK }
}
