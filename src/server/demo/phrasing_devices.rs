//! Customer wording for device and app categories: account, connectivity, defects, bugs, setup, ideas.

use super::phrasing::CategoryText;

/// Account access.
pub(crate) const ACCOUNT: CategoryText = CategoryText {
    subjects: &[
        "Can't sign in to my account",
        "Password reset not working",
        "Account locked",
        "Login problem with the {product} app",
        "Verification code not arriving",
    ],
    openers: &[
        "I can't sign in to my account; it says my password is incorrect even after a reset.",
        "The password reset email never arrives, so I am locked out of my account.",
        "My account was locked after too many sign-in attempts and it has been {days} days.",
        "The {product} app logs me out every time I open it and will not accept my password.",
        "I changed my email address and now I can't log in to my account at all.",
        "The verification code for signing in to my account never arrives by SMS.",
    ],
    details: &[
        "The error on the sign-in page says {code}.",
        "I tried a different browser and the password reset link still fails.",
        "My account email is the one I'm writing from.",
        "The account was created when I bought the {product}.",
        "I have tried to log in from my phone and my laptop.",
    ],
    asks: &[
        "Can you unlock my account?",
        "Please reset my password manually.",
        "How do I get back into my account?",
        "Could you check what is wrong with my sign-in?",
    ],
};

/// Connectivity.
pub(crate) const CONNECTIVITY: CategoryText = CategoryText {
    subjects: &[
        "{product} keeps losing connection",
        "Connection drops on {product}",
        "{product} won't connect to {target}",
        "Unstable {net} connection",
        "Connection problem with {product}",
    ],
    openers: &[
        "My {product} keeps losing its {net} connection: it drops several times a day and will not connect again on its own.",
        "The {product} will not connect to {target} anymore, even after a restart.",
        "The connection between my {product} and my phone drops every few minutes and I have to connect it again.",
        "Since {date} the {product} disconnects from {target} and I have to reconnect it by hand.",
        "My {product} shows as offline and cannot connect, although the {net} connection works for every other device.",
        "The {product} takes ages to connect and then the connection drops constantly.",
    ],
    details: &[
        "I already restarted the router and paired the device again.",
        "The signal is strong where the {product} is placed.",
        "The app shows error {code} when it tries to connect.",
        "Other devices on the same network stay connected without problems.",
        "It happens more often in the evening.",
        "I moved the {product} closer but the connection still drops.",
    ],
    asks: &[
        "How can I make the connection stable again?",
        "Is there a fix for these disconnects?",
        "What else can I try to keep it connected?",
        "Can you check whether this is a known connection issue?",
    ],
};

/// Hardware defect.
pub(crate) const HARDWARE: CategoryText = CategoryText {
    subjects: &[
        "Defective {product}",
        "{product}: defective {part}",
        "Hardware defect - {product}",
        "Warranty claim for my defective {product}",
        "{product} stopped working - defective?",
    ],
    openers: &[
        "The {part} on my {product} stopped working after {days} days; it looks like a defect.",
        "My {product} has a hardware defect: the {part} is faulty.",
        "The {part} of my {product} cracked although I have been careful with it; it must be defective.",
        "My {product} will not turn on anymore; the {part} seems to be defective.",
        "There is a rattling noise inside the {product} and the {part} is defective.",
        "The {part} on the {product} is loose and the device looks defective.",
    ],
    details: &[
        "The {product} is still under warranty; I bought it on {date}.",
        "It has never been dropped or exposed to water.",
        "I tried a different charger and cable, with the same result.",
        "The serial number is {serial}.",
        "I can send photos of the defect.",
    ],
    asks: &[
        "Can I get a warranty replacement?",
        "How do I send the {product} in for repair under warranty?",
        "Please arrange a repair or a replacement under warranty.",
        "Is this covered by the warranty?",
    ],
};

/// Software bug.
pub(crate) const SOFTWARE: CategoryText = CategoryText {
    subjects: &[
        "App crashes on {product}",
        "Bug in the latest update",
        "{product} software error {code}",
        "App freezes after update",
        "Bug report: {product} app",
    ],
    openers: &[
        "The {product} app crashes every time I open the settings screen.",
        "Since the last software update to version {version} the {product} app freezes several times a day.",
        "There is a bug in the {product} app: my settings reset after every restart.",
        "The app shows error {code} and closes when I try to sync my {product}.",
        "After updating to version {version}, the {product} app crashes on start-up.",
        "The {product} app keeps showing a blank screen; it looks like a bug.",
    ],
    details: &[
        "I reinstalled the app and cleared the cache, but the bug is still there.",
        "I'm on version {version} on {os}.",
        "The crash happens at the same step every time.",
        "The error code in the app is {code}.",
        "It worked fine before the update.",
    ],
    asks: &[
        "Is a fix for this bug coming?",
        "Can I roll back to the previous version of the app?",
        "Do you need crash logs from the app?",
        "When will there be an update that fixes it?",
    ],
};

/// Setup.
pub(crate) const SETUP: CategoryText = CategoryText {
    subjects: &[
        "Help with setup of {product}",
        "Need help: how do I set up my {product}?",
        "Installation help - {product}",
        "Setup stuck at step {step}",
        "Can't finish installing {product}",
    ],
    openers: &[
        "I'm trying to set up my new {product} but the setup gets stuck at step {step}.",
        "The installation instructions for the {product} don't match what I see in the setup assistant.",
        "I need help with the setup of my {product}; the quick start guide seems to skip a step.",
        "Setup of the {product} fails at the end with the message {code}.",
        "I can't finish installing the {product}; the installer stops at step {step}.",
        "I just bought the {product} and can't figure out the first-time setup.",
    ],
    details: &[
        "I followed the instructions in the quick start guide twice.",
        "The setup assistant is on the latest version.",
        "I'm setting it up on {os}.",
        "The status light blinks during the whole setup.",
        "I'm not very technical, so step-by-step instructions would help.",
    ],
    asks: &[
        "Could you walk me through the setup?",
        "Is there a video that shows how to set it up?",
        "What am I missing in the installation?",
        "Can someone call me to help with the setup?",
    ],
};

/// Feature request.
pub(crate) const FEATURE: CategoryText = CategoryText {
    subjects: &[
        "Feature request: new option for {product}",
        "Suggestion for the {product}",
        "Suggestion: idea for a new feature",
        "Would love this option on {product}",
        "Feature idea for the next version",
    ],
    openers: &[
        "It would be great if the {product} had {feature}.",
        "Feature request: please add {feature} to the {product}.",
        "I would love an option for {feature} on my {product}.",
        "Have you considered adding {feature}? It would make the {product} much more useful.",
        "My suggestion for the next version: {feature} for the {product}.",
        "Is {feature} on the roadmap for the {product}? I would use that feature daily.",
    ],
    details: &[
        "Several friends who own the {product} asked for the same feature.",
        "A competitor already offers this option.",
        "Even a simple version of this feature would help.",
        "It could be an option in the settings so nobody is forced to use it.",
        "I use the {product} every day, so this would make a real difference.",
    ],
    asks: &[
        "Is this feature planned?",
        "Would you consider adding it?",
        "Where can I vote for feature requests?",
        "Could you pass this suggestion on to the product team?",
    ],
};
