import TestSupport

enum TestPaths {
    static var prompts: String { BuiltProducts.packageRoot + "/prompts" }
}
