"""Words for demo and benchmark content, shared by the apps' seeders (`forums.seeding`,
`blogs.seeding`): per-topic systems, things, documents and categories, and the names, titles
and sentences the seeders put together into threads, replies and posts. Data only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    systems: tuple[str, ...]
    things: tuple[str, ...]
    documents: tuple[str, ...]
    categories: tuple[str, ...]
    questions: tuple[str, ...] = ()


# fmt: off
TOPIC_WORDS: dict[str, Topic] = {
    "Housing": Topic(
        ("housing repairs system", "housing management system", "choice-based lettings system"),
        ("damp and mould cases", "void turnaround", "tenant satisfaction measures",
         "repairs triage", "temporary accommodation"),
        ("damp and mould policy", "repairs specification", "tenancy strategy"),
        ("Repairs and maintenance", "Allocations", "Tenant engagement"),
        ("Has anyone procured a housing repairs system?",
         "How are you meeting the new damp and mould timescales?",
         "Tenant satisfaction measures: how are you collecting them?"),
    ),
    "Digital inclusion": Topic(
        ("device lending scheme", "digital skills booking tool", "data bank partnership"),
        ("device lending", "digital champions", "free SIM cards", "assisted digital support",
         "online skills sessions for older residents"),
        ("digital inclusion strategy", "device lending agreement", "volunteer role profile"),
        ("Devices and connectivity", "Skills and confidence", "Volunteers"),
        ("Who runs a device lending scheme through libraries?",
         "Measuring the impact of digital champions"),
    ),
    "Data protection": Topic(
        ("case management system for subject access requests", "records retention tool",
         "privacy notice generator"),
        ("subject access requests", "data sharing with the NHS", "retention schedules",
         "breach reporting", "CCTV requests"),
        ("data protection impact assessment", "data sharing agreement", "retention schedule"),
        ("Subject access requests", "Data sharing", "Breaches and incidents"),
        ("Template for a data protection impact assessment?",
         "How long are you keeping CCTV footage?"),
    ),
    "Service design": Topic(
        ("research participant panel", "prototyping kit", "service mapping tool"),
        ("user research with residents", "service assessments", "journey mapping",
         "design systems", "content design"),
        ("service standard checklist", "research plan", "discovery report"),
        ("Research", "Prototyping", "Service assessments"),
        ("How do you recruit residents for user research?",
         "Anyone adapted the GOV.UK Service Standard for local government?"),
    ),
    "Adult social care": Topic(
        ("social care case management system", "care provider portal", "e-brokerage platform"),
        ("direct payments", "hospital discharge", "carers' assessments", "reablement",
         "care market sustainability"),
        ("carers' assessment form", "market position statement", "strengths-based practice guide"),
        ("Assessments", "Commissioning", "Carers"),
        ("Strengths-based conversations: what changed for you?",
         "Has anyone moved direct payments onto prepaid cards?"),
    ),
    "Procurement": Topic(
        ("e-tendering portal", "contract management system", "spend analytics tool"),
        ("social value", "the new Procurement Act", "framework call-offs", "supplier engagement",
         "contract registers"),
        ("social value policy", "invitation to tender", "contract management plan"),
        ("Procurement Act", "Frameworks", "Social value"),
        ("How ready are you for the Procurement Act?",
         "Scoring social value: what weighting do you use?"),
    ),
    "Climate action": Topic(
        ("carbon accounting tool", "retrofit assessment service", "EV charge point operator"),
        ("retrofit", "fleet electrification", "climate emergency action plans",
         "community energy", "scope 3 emissions"),
        ("climate action plan", "carbon literacy course", "retrofit business case"),
        ("Net zero", "Retrofit", "Adaptation"),
        ("Who is measuring scope 3 emissions, and how?",
         "EV charge points on council land: concession or own and operate?"),
    ),
    "Public health": Topic(
        ("health checks booking system", "stop smoking service platform", "JSNA dashboard"),
        ("NHS health checks", "healthy weight services", "vaping in schools",
         "drug and alcohol services", "health inequalities"),
        ("joint strategic needs assessment", "health inequalities framework",
         "outcomes framework"),
        ("Prevention", "Health inequalities", "Evidence and data"),
        ("Vaping in schools: what messaging works?",
         "Making the JSNA something people actually read"),
    ),
    "Open data": Topic(
        ("open data portal", "data catalogue", "API gateway"),
        ("publishing spend data", "the local transparency code", "data standards",
         "open data licensing", "location data"),
        ("open data policy", "data publication schedule", "metadata standard"),
        ("Publishing", "Standards", "Tools"),
        ("Which open data portal are you using, and would you recommend it?",
         "Is anyone still publishing spend over £500 by hand?"),
    ),
    "Youth services": Topic(
        ("youth club management system", "activity booking app", "holiday activities portal"),
        ("detached youth work", "the holiday activities and food programme", "youth voice",
         "mental health support in schools", "youth councils"),
        ("youth work strategy", "safeguarding policy", "youth voice charter"),
        ("Youth voice", "Holiday activities", "Safeguarding"),
        ("Holiday activities and food: how do you reach families who don't sign up?",),
    ),
    "Libraries": Topic(
        ("library management system", "self-service kiosk", "e-book platform"),
        ("open-plus libraries", "library membership", "warm spaces", "makerspaces",
         "community-managed libraries"),
        ("library strategy", "volunteer agreement", "stock policy"),
        ("Buildings and spaces", "Stock and digital", "Events"),
        ("Open-plus libraries: what did staff and users think?",),
    ),
    "Planning": Topic(
        ("planning back-office system", "planning portal", "digital site notice tool"),
        ("local plan consultations", "biodiversity net gain", "planning enforcement",
         "design codes", "validation checklists"),
        ("local validation checklist", "design code", "enforcement plan"),
        ("Local plans", "Development management", "Enforcement"),
        ("Biodiversity net gain: who is checking the metric?",
         "Has anyone replaced their planning back-office system recently?"),
    ),
    "Council tax": Topic(
        ("revenues and benefits system", "online council tax account", "e-billing service"),
        ("council tax support schemes", "collection rates", "second homes premium",
         "single person discount reviews", "recovery and enforcement agents"),
        ("council tax support scheme", "debt recovery policy", "discretionary relief policy"),
        ("Collection", "Council tax support", "Discounts and premiums"),
        ("Single person discount reviews: in-house or outsourced?",),
    ),
    "Homelessness": Topic(
        ("homelessness case management system", "H-CLIC reporting tool",
         "rough sleeping outreach app"),
        ("prevention duties", "rough sleeping", "temporary accommodation costs",
         "Housing First", "hospital discharge for people who are homeless"),
        ("homelessness strategy", "personal housing plan template", "Housing First fidelity check"),
        ("Prevention", "Temporary accommodation", "Rough sleeping"),
        ("Temporary accommodation costs: what is working for you?",
         "Which system are you using for H-CLIC returns?"),
    ),
    "Accessibility": Topic(
        ("accessibility monitoring tool", "document remediation service", "screen reader lab"),
        ("accessible PDFs", "WCAG 2.2", "accessibility statements", "testing with disabled users",
         "third-party components"),
        ("accessibility statement", "accessibility audit", "procurement accessibility clause"),
        ("Websites", "Documents", "Testing"),
        ("WCAG 2.2: what did you have to change?",
         "Accessibility clauses in supplier contracts: examples?"),
    ),
    "Waste and recycling": Topic(
        ("waste collection routing system", "bulky waste booking system", "in-cab technology"),
        ("food waste collections", "simpler recycling", "garden waste subscriptions",
         "missed bins", "fly-tipping"),
        ("waste strategy", "round review plan", "fly-tipping enforcement policy"),
        ("Collections", "Fly-tipping", "Simpler recycling"),
        ("Weekly food waste: how did the roll-out go?",),
    ),
    "Community safety": Topic(
        ("anti-social behaviour case system", "CCTV control room upgrade",
         "community trigger portal"),
        ("anti-social behaviour", "the community trigger", "serious violence duty",
         "public space protection orders", "domestic abuse support"),
        ("community safety plan", "PSPO consultation", "serious violence strategy"),
        ("Anti-social behaviour", "Partnerships", "Serious violence duty"),
        ("Serious violence duty: who owns the strategy in your area?",),
    ),
    "Education": Topic(
        ("school admissions system", "SEND case management system", "EHCP portal"),
        ("EHCP timeliness", "school admissions", "home to school transport", "attendance",
         "elective home education"),
        ("SEND strategy", "admissions policy", "attendance guidance"),
        ("SEND", "Admissions", "Attendance"),
        ("EHCP timeliness: what moved the needle?",
         "Has anyone procured an EHCP portal?"),
    ),
    "Transport": Topic(
        ("concessionary travel system", "parking permit system", "bus information service"),
        ("bus service improvement plans", "active travel schemes", "school streets",
         "parking permits", "demand responsive transport"),
        ("local transport plan", "active travel strategy", "parking policy"),
        ("Buses", "Active travel", "Parking"),
        ("School streets: camera enforcement or volunteers?",),
    ),
    "Welfare rights": Topic(
        ("benefits calculator", "welfare advice case system", "household support fund portal"),
        ("benefit take-up campaigns", "the household support fund", "managed migration to "
         "Universal Credit", "debt advice referrals", "pension credit take-up"),
        ("take-up campaign plan", "referral pathway", "household support fund policy"),
        ("Benefits", "Debt advice", "Crisis support"),
        ("Pension credit take-up: which campaigns worked?",),
    ),
}
GENERIC_TOPIC = Topic(
    ("case management system", "booking system", "CRM"),
    ("resident engagement", "staff training", "partnership working", "performance reporting",
     "volunteer coordination"),
    ("strategy", "business case", "evaluation report"),
    ("Questions and answers", "Events", "Resources"),
)
# fmt: on

TITLE_TEMPLATES = (
    "Has anyone procured a {system}?",
    "Which {system} are you using, and would you recommend it?",
    "How are you measuring the impact of {thing}?",
    "Looking for an example {document}",
    "Lessons learned from changing how we handle {thing}",
    "Is anyone else seeing more demand for {thing}?",
    "Business case for {thing}: what worked for you?",
    "How do you involve residents in {thing}?",
    "Sharing our approach to {thing}",
    "Data sharing agreement for {thing}: examples?",
    "Budget pressures on {thing}: how are you coping?",
    "Would anyone peer review our {document}?",
    "Any evaluation of {thing} pilots?",
    "Moving {thing} online: what did you learn?",
    "{Thing}: in-house or outsourced?",
    "Replacing our {system}: where do we start?",
    "Who leads on {thing} in your organisation?",
    "Quick question about {thing} and UK GDPR",
)
ORGANISATION_KINDS = (
    "a small district council", "a unitary authority", "a London borough", "an NHS trust",
    "a metropolitan council", "a county council", "a housing association", "a combined authority",
    "a central government team", "a town council",
)  # fmt: skip
SITUATIONS = (
    "our contract for the current {system} ends next year",
    "we have been asked to review how we handle {thing}",
    "members want a report on {thing} by the spring",
    "we have just lost two posts in the team that looks after {thing}",
    "an internal audit flagged our {document} as out of date",
    "we are starting a discovery on {thing}",
    "residents keep telling us that {thing} is confusing",
)
QUESTIONS = (
    "Has anyone been through this recently, and what would you do differently?",
    "What did you look for, and who did you end up going with?",
    "How did you get senior leaders on board?",
    "Did you run a pilot first, and how long did it take?",
    "Is there an existing {document} we could adapt rather than start from scratch?",
    "How are you measuring whether it worked?",
)
CONSIDERATIONS = (
    "total cost over five years, including hosting and support",
    "how well it fits with our existing CRM",
    "accessibility (WCAG 2.2 AA) for residents and staff",
    "whether there is a framework we can call off (G-Cloud, CCS)",
    "migrating ten years of data from the old system",
    "training for frontline staff",
    "how residents will use it on a phone",
    "what the data protection impact assessment needs to cover",
    "union consultation",
    "whether we can share it with neighbouring councils",
)
CLOSINGS = (
    "Any pointers welcome. Thanks!",
    "Happy to share what we learn in return.",
    'Thanks in advance: even a quick "we did X" would help.',
    "I'll write up what we find here.",
    "Grateful for any contacts, too.",
)
SHORT_REPLIES = (
    "+1, we're in exactly the same position. Following this thread.",
    "Thanks, this is really useful.",
    "Same here: would love to see what others have done.",
    "Really helpful, thank you for taking the time to write this up.",
    "Following with interest.",
    "We're about six months behind you on this, so I'll be watching closely.",
)
EXPERIENCES = (
    "We went through this last year.",
    "We did something similar in 2023.",
    "We're halfway through this now.",
    "Our team looked at this during discovery.",
    "I led on this at my previous council.",
)
ADVICE = (
    "The biggest lesson was to involve frontline staff from day one.",
    "Start with the data: we underestimated the migration by months.",
    "Get the supplier to commit to accessibility fixes in the contract, not just a statement.",
    "Talk to your neighbouring councils first: two of ours had already done the hard work.",
    "Don't skip the pilot. Ours found problems no workshop would have.",
    "Budget for change management, not just the licence.",
    "Keep the scope small at first and publish what you learn.",
)
TIPS = (
    "a clear owner for the data",
    "fortnightly show and tells with the service team",
    "a shared backlog with the supplier",
    "plain English letters, tested with residents",
    "an exit plan in the contract",
    "early sign-off from the information governance team",
    "a proper handover to business as usual",
)
OFFERS = (
    "Happy to share our specification: send me a message.",
    "I'll dig out our evaluation report and post it here.",
    "The [Service Manual](https://www.gov.uk/service-manual) section on discovery was the useful "
    "bit for us.",
    "There's a good write-up on the [LGA website](https://www.local.gov.uk/).",
    "Happy to have a call if that's easier.",
)
OFF_TOPIC_TITLES = (
    "Introduce yourself: who's new this month?",
    "Anyone going to {event}?",
    "Book recommendations for the holidays",
    "Recommendations for accessibility training?",
    "Hybrid working: how do you keep team meetings lively?",
    "Job opening in my team: {role}",
    "What podcasts are you listening to?",
)
OFF_TOPIC_BODIES = (
    "I'll be there on the Thursday. It would be great to put some faces to names: reply here "
    "if you're going and we can meet at the coffee break.",
    "Share yours below. Mine: *Invisible Women* and *The Unaccountability Machine*.",
    "We're hiring. It's a permanent role, hybrid, and we **welcome applications from people "
    "who have worked outside the public sector**. Happy to answer questions here.",
    "Something light for a Friday. What has worked for you?",
)
EVENTS = ("UKGovCamp", "the LGA conference", "Services Week", "LocalGovCamp", "Digital Leaders")
ROLES = ("senior user researcher", "data analyst", "service designer", "policy officer")
HIDE_REASONS = (
    "Shared personal details about a resident.",
    "Advertising a product.",
    "Off topic: moved to a new thread.",
)
WELCOME_BODY = (
    "Welcome to the forum of **{name}**.\n\n"
    "This is the place to ask questions, share what works and find peers working on the same "
    "problems.\n\n"
    "1. Read the community guidelines.\n"
    "2. Introduce yourself below: your role, your organisation and what you are working on.\n"
    "3. Search before asking: someone may already have answered.\n\n"
    "Please never post personal data about the people we serve."
)
