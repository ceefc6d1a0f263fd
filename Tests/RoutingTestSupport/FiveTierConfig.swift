/// A config file's `[tiers.*]` tables with five tiers (haiku and fable beside the defaults), for
/// tests where tier names, order and prices must come from the table.
public enum FiveTierConfig {
    public static let toml = """
        [tiers.local]
        min_p = 0.8
        [tiers.haiku]
        model = "haiku"
        min_p = 0.6
        [tiers.sonnet]
        min_p = 0.4
        [tiers.opus]
        min_p = 0.2
        [tiers.fable]
        model = "fable"
        input_price = 8
        output_price = 40
        min_p = 0
        """
}
