/// A stable 64-bit FNV-1a hash of text (Swift's `Hasher` is randomly seeded per process), for
/// seeding per-item randomness and keying the score cache.
public enum StableHash {
    /// FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The hash as 16 hex digits.
    public static func hex(_ text: String) -> String {
        let value = String(fnv1a64(text), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
